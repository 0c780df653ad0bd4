using System.Runtime.Versioning;

namespace Broker.Cli.Tests.Admin;

/// <summary><c>brokerctl admin users list|create</c> against the real broker in process.</summary>
[SupportedOSPlatform("linux")]
public sealed class UsersCommandTests : IAsyncLifetime
{
    private AdminBroker _broker = null!;

    public async ValueTask InitializeAsync()
    {
        _broker = new AdminBroker();
        (await _broker.LoginAsync()).ExitCode.ShouldBe(0);
    }

    public ValueTask DisposeAsync() => _broker.DisposeAsync();

    [Fact]
    public async Task Create_WithPasswordOnStdin_MakesAUserThatListShowsWithItsRole()
    {
        var created = await _broker.RunWithInputAsync("Demo-password-1\n", null, "admin", "users", "create", "--name", "demo", "--password-stdin");
        var list = await _broker.RunAsync("admin", "users", "list");

        created.ExitCode.ShouldBe(0, created.ToString());
        created.Out.ShouldStartWith("user demo (");
        created.Out.ShouldEndWith(") created as User" + Environment.NewLine);
        list.ExitCode.ShouldBe(0, list.ToString());
        var lines = list.Out.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("ID");
        lines.ShouldContain(line => line.Contains(" admin ", StringComparison.Ordinal) && line.EndsWith("Admin", StringComparison.Ordinal));
        lines.ShouldContain(line => line.Contains(" demo ", StringComparison.Ordinal) && line.EndsWith("User", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_WithATakenName_Exits1_AndWithAWeakPassword_Exits2()
    {
        var taken = await _broker.RunWithInputAsync("Demo-password-1\n", null, "admin", "users", "create", "--name", "admin", "--role", "Admin", "--password-stdin");
        var weak = await _broker.RunWithInputAsync("weak\n", null, "admin", "users", "create", "--name", "erin", "--password-stdin");

        taken.ExitCode.ShouldBe(1, taken.ToString());
        taken.Error.ShouldContain("exists");
        weak.ExitCode.ShouldBe(2, weak.ToString());
        weak.Error.ShouldContain("Password");
    }
}
