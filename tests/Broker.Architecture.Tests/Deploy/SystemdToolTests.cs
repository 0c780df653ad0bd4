using Broker.Testing;

namespace Broker.Architecture.Tests.Deploy;

/// <summary>The systemd files as systemd itself reads them: <c>systemd-analyze verify</c> and <c>systemd-sysusers</c>.</summary>
public sealed class SystemdToolTests
{
    public static TheoryData<string> Units() => [.. DeployFiles.SystemdUnits()];

    /// <summary>
    /// Every key and value of the unit parses (systemd reports unknown keys and bad values but
    /// still exits 0, so any output fails the test). Only the ExecStart path is changed, to this
    /// test's copy of the executable, since verify also checks that the command exists.
    /// </summary>
    [Theory]
    [MemberData(nameof(Units))]
    public async Task Unit_PassesSystemdAnalyzeVerify(string unit)
    {
        using var directory = new TempDirectory("systemd-verify");
        var start = ExecStartLine.Parse(unit);
        var text = DeployFiles.Read("systemd", unit);
        var installed = text.Split('\n').Single(line => line.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..].Split(' ')[0];
        var copy = directory.File(Path.GetFileName(unit));
        File.WriteAllText(copy, text.Replace(installed, Path.Combine(AppContext.BaseDirectory, start.Executable), StringComparison.Ordinal));
        var userUnit = unit.StartsWith("user/", StringComparison.Ordinal);
        var runtime = Directory.CreateDirectory(directory.File("runtime")).FullName;

        var verify = await ExternalTool.RunAsync(
            "env",
            [$"XDG_RUNTIME_DIR={runtime}", "systemd-analyze", "verify", "--man=no", .. userUnit ? ["--user"] : Array.Empty<string>(), copy],
            TestContext.Current.CancellationToken);

        verify.ExitCode.ShouldBe(0, verify.ToString());
        (verify.StandardOutput + verify.StandardError).Trim().ShouldBeEmpty(verify.ToString());
    }

    [Fact]
    public async Task Sysusers_CreatesTheDaemonAccounts()
    {
        using var root = new TempDirectory("sysusers");
        Directory.CreateDirectory(root.File("etc"));

        var result = await ExternalTool.RunAsync(
            "systemd-sysusers",
            [$"--root={root.Path}", Path.Combine(DeployFiles.Directory, "systemd", "broker.sysusers.conf")],
            TestContext.Current.CancellationToken);

        result.ExitCode.ShouldBe(0, result.ToString());
        var users = File.ReadLines(root.File("etc/passwd")).Select(line => line.Split(':')[0]).ToList();
        users.ShouldContain("broker-server");
        users.ShouldContain("broker-host");
        File.ReadLines(root.File("etc/group")).ShouldContain(line => line.StartsWith("kvm:", StringComparison.Ordinal) && line.EndsWith("broker-host", StringComparison.Ordinal));
    }
}
