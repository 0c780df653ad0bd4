using Broker.Testing;

namespace Broker.Architecture.Tests.Deploy;

/// <summary>The systemd units start what the build produces, with a command line it accepts.</summary>
public sealed class SystemdUnitTests
{
    public static TheoryData<string> Units() => [.. DeployFiles.SystemdUnits()];

    [Fact]
    public void Units_CoverTheThreeDaemons()
    {
        DeployFiles.SystemdUnits().Select(unit => ExecStartLine.Parse(unit).Executable)
            .Order(StringComparer.Ordinal)
            .ShouldBe(["broker-client", "broker-host", "broker-server"]);
    }

    [Theory]
    [MemberData(nameof(Units))]
    public void ExecStart_NamesAnExecutableOfTheBuild(string unit)
    {
        var start = ExecStartLine.Parse(unit);

        File.Exists(Path.Combine(AppContext.BaseDirectory, start.Executable)).ShouldBeTrue(
            $"{unit} starts {start.Executable}, which the build does not produce (this test's output holds every executable's apphost)");
    }

    [Theory]
    [MemberData(nameof(Units))]
    public async Task ExecStart_UsesASubcommandAndOptionsTheExecutableAccepts(string unit)
    {
        var start = ExecStartLine.Parse(unit);
        if (start.Arguments.Count == 0)
        {
            return; // broker-server takes its settings from the environment; nothing to ask it.
        }

        var help = await ExternalTool.RunAsync(
            Path.Combine(AppContext.BaseDirectory, start.Executable),
            [.. start.Subcommands, "--help"],
            TestContext.Current.CancellationToken);

        help.ExitCode.ShouldBe(0, help.ToString());
        help.StandardOutput.ShouldContain($"{start.Executable} {string.Join(' ', start.Subcommands)}", Case.Sensitive, help.ToString());
        foreach (var option in start.Options)
        {
            help.StandardOutput.ShouldContain(option, Case.Sensitive, $"{unit} passes {option}; help:\n{help}");
        }
    }
}
