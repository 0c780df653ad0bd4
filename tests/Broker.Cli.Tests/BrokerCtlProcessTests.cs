using Broker.Testing;

namespace Broker.Cli.Tests;

/// <summary>A few runs of the built brokerctl apphost: exit codes and streams as a shell sees them.</summary>
public sealed class BrokerCtlProcessTests
{
    [Fact]
    public async Task Apphost_CreateAndCheck_ExitsWithZero()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();

        var create = await ExternalTool.RunAsync(BrokerCtlApphost.Path, ["disk", "create", directory.File("d.vhdx"), "--size", "8M"], cancellationToken);
        var check = await ExternalTool.RunAsync(BrokerCtlApphost.Path, ["disk", "check", directory.File("d.vhdx")], cancellationToken);

        create.ExitCode.ShouldBe(0, create.ToString());
        check.ExitCode.ShouldBe(0, check.ToString());
    }

    [Fact]
    public async Task Apphost_BadSize_ExitsWithTwoAndOneLineOnStderr()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TempDirectory();

        var run = await ExternalTool.RunAsync(BrokerCtlApphost.Path, ["disk", "create", directory.File("d.vhdx"), "--size", "8X"], cancellationToken);

        run.ExitCode.ShouldBe(2, run.ToString());
        run.StandardError.TrimEnd().Split('\n').Length.ShouldBe(1, run.ToString());
        run.StandardOutput.ShouldBeEmpty();
    }
}
