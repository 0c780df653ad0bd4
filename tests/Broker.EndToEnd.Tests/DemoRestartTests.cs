using Broker.EndToEnd.Tests.Harness;
using Broker.Testing;

namespace Broker.EndToEnd.Tests;

/// <summary><c>./build.sh demo</c> stopped by Ctrl-C and run again on the same state.</summary>
public sealed class DemoRestartTests : IDisposable
{
    private readonly TempDirectory _directory = new("broker-e2e-restart-");

    [Fact]
    public async Task Stopped_demo_leaves_no_process_behind_and_a_second_run_reuses_its_state()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var state = _directory.File("demo");
        await using (var first = await DemoWorld.StartAsync(state, cancellationToken))
        {
            var exitCode = await first.StopAsync();
            TestContext.Current.AddAttachment("first run", first.Logs());
            exitCode.ShouldNotBeNull("the demo stopped by itself, without SIGKILL");
            ProcessTable.CommandLinesContaining(state).ShouldBeEmpty();
        }

        await using var second = await DemoWorld.StartAsync(state, cancellationToken);
        TestContext.Current.AddAttachment("second run", second.Logs());

        var hosts = await second.Admin.AdminJsonAsync(cancellationToken, "hosts", "list");
        var pools = await second.Admin.AdminJsonAsync(cancellationToken, "pools", "list");
        var users = await second.Admin.AdminJsonAsync(cancellationToken, "users", "list");
        hosts.EnumerateArray().ShouldHaveSingleItem().GetProperty("health").GetString().ShouldBe("Healthy");
        pools.EnumerateArray().ShouldHaveSingleItem().GetProperty("name").GetString().ShouldBe("demo");
        users.EnumerateArray().Select(user => user.GetProperty("userName").GetString()).ShouldBe(["admin", "demo"]);
        second.ScriptOutput.ShouldNotContain("enrolled with", customMessage: "the client agent was not enrolled again");
    }

    public void Dispose() => _directory.Dispose();
}
