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

    [Fact]
    public async Task GroupAddAndRemove_ChangeMembership_ThatGroupsAndListShow()
    {
        var created = await _broker.RunWithInputAsync("Demo-password-1\n", null, "admin", "users", "create", "--name", "dana", "--password-stdin");
        created.ExitCode.ShouldBe(0, created.ToString());

        var added = await _broker.RunAsync("admin", "user", "group", "add", "dana", "eng");
        var groups = await _broker.RunAsync("admin", "groups");
        var list = await _broker.RunAsync("admin", "users", "list");
        var badName = await _broker.RunAsync("admin", "user", "group", "add", "dana", "two words");
        var nobody = await _broker.RunAsync("admin", "user", "group", "add", "nobody", "eng");
        var removed = await _broker.RunAsync("admin", "user", "group", "remove", "dana", "eng");
        var again = await _broker.RunAsync("admin", "user", "group", "remove", "dana", "eng");
        var empty = await _broker.RunAsync("admin", "groups");

        added.ExitCode.ShouldBe(0, added.ToString());
        added.Out.ShouldBe("user dana is in groups: eng" + Environment.NewLine);
        groups.Out.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).ShouldBe(["GROUP  MEMBERS", "eng    dana"], groups.ToString());
        list.Out.ShouldContain(" dana ");
        list.Out.Split(Environment.NewLine).Single(line => line.Contains(" dana ", StringComparison.Ordinal)).ShouldContain(" eng ");
        badName.ExitCode.ShouldBe(2, badName.ToString());
        badName.Error.ShouldContain("may contain only");
        nobody.ExitCode.ShouldBe(1, nobody.ToString());
        nobody.Error.ShouldContain("no user 'nobody'");
        removed.Out.ShouldBe("user dana is in groups: none" + Environment.NewLine);
        again.ExitCode.ShouldBe(1, again.ToString());
        empty.Out.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).ShouldBe(["GROUP  MEMBERS"]);
    }
}
