using System.Runtime.Versioning;
using System.Text.Json;

namespace Broker.Cli.Tests.Admin;

[SupportedOSPlatform("linux")]
public sealed class AdminCommandTests : IAsyncLifetime
{
    private AdminBroker _broker = null!;

    public ValueTask InitializeAsync()
    {
        _broker = new AdminBroker();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _broker.DisposeAsync();

    [Fact]
    public async Task Login_StoresServerAndTokenReadableByOwnerOnly_AndLaterCommandsUseIt()
    {
        var login = await _broker.LoginAsync();

        login.Out.ShouldContain("logged in to http://broker.test/ as admin");
        File.GetUnixFileMode(_broker.ConfigPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(_broker.ConfigPath, TestContext.Current.CancellationToken));
        config.RootElement.GetProperty("server").GetString().ShouldBe(AdminBroker.Server);
        config.RootElement.GetProperty("token").GetString().ShouldStartWith("brk_pat_");
        var list = await _broker.RunAsync("admin", "pools", "list");
        list.ExitCode.ShouldBe(0, list.ToString());
        list.Out.ShouldStartWith("ID");
    }

    [Fact]
    public async Task Login_WithAFingerprint_StoresThePin_AndHostsAddPrintsItForTheHostsEnrollment()
    {
        const string Pin = "SHA256:0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";
        var malformed = await _broker.RunWithInputAsync(_broker.AdminPassword + "\n", null, "admin", "login", "--server", AdminBroker.Server, "--user", "admin", "--password-stdin", "--fingerprint", "SHA256:0123");
        var login = await _broker.RunWithInputAsync(_broker.AdminPassword + "\n", null, "admin", "login", "--server", AdminBroker.Server, "--user", "admin", "--password-stdin", "--fingerprint", Pin.ToLowerInvariant());
        var added = await _broker.RunAsync("admin", "hosts", "add", "--name", "host-01", "--capacity", "4");

        malformed.ExitCode.ShouldBe(2, malformed.ToString());
        malformed.Error.ShouldContain("no certificate fingerprint");
        login.ExitCode.ShouldBe(0, login.ToString());
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(_broker.ConfigPath, TestContext.Current.CancellationToken));
        const string Stored = "SHA256:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF";
        config.RootElement.GetProperty("brokerCertificate").GetString().ShouldBe(Stored);
        added.ExitCode.ShouldBe(0, added.ToString());
        added.Out.ShouldContain($"--fingerprint {Stored}");
    }

    [Fact]
    public async Task Login_WithWrongPassword_Exits1_AndStoresNothing()
    {
        var run = await _broker.RunWithInputAsync("not-the-password\n", null, "admin", "login", "--server", AdminBroker.Server, "--user", "admin", "--password-stdin");

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Error.ShouldBe("brokerctl: login refused: invalid user name or password, or the account is locked." + Environment.NewLine);
        File.Exists(_broker.ConfigPath).ShouldBeFalse();
    }

    [Fact]
    public async Task Pools_CreateListResizeShow_RoundTripThroughTheApi()
    {
        await _broker.LoginAsync();
        await AddImageAsync();

        var created = await _broker.RunAsync("admin", "pools", "create", "--name", "Engineering", "--kind", "dedicated", "--image", "Windows 11", "--size", "2", "--lease-days", "3", "--offline-allowed", "true", "--snapshot-minutes", "30");
        var resized = await _broker.RunAsync("admin", "pools", "resize", "Engineering", "4");
        var list = await _broker.RunAsync("admin", "--json", "pools", "list");
        var show = await _broker.RunAsync("admin", "pools", "show", "Engineering", "--json");

        created.ExitCode.ShouldBe(0, created.ToString());
        created.Out.ShouldStartWith("created pool Engineering (");
        resized.ExitCode.ShouldBe(0, resized.ToString());
        using var pools = JsonDocument.Parse(list.Out);
        var pool = pools.RootElement.EnumerateArray().ShouldHaveSingleItem();
        pool.GetProperty("name").GetString().ShouldBe("Engineering");
        pool.GetProperty("kind").GetString().ShouldBe("Dedicated");
        pool.GetProperty("desiredSize").GetInt32().ShouldBe(4);
        pool.GetProperty("offline").GetProperty("leaseDays").GetInt32().ShouldBe(3);
        pool.GetProperty("offline").GetProperty("allowed").GetBoolean().ShouldBeTrue();
        pool.GetProperty("offline").GetProperty("snapshotIntervalMinutes").GetInt32().ShouldBe(30);
        using var shown = JsonDocument.Parse(show.Out);
        shown.RootElement.GetProperty("pool").GetProperty("version").GetInt64().ShouldBe(pool.GetProperty("version").GetInt64());
        shown.RootElement.GetProperty("entitlements").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Hosts_DrainAndUndrainByName_ShowInTheListAndTheAuditLog()
    {
        await _broker.LoginAsync();
        (await _broker.RunAsync("admin", "hosts", "add", "--name", "host-01", "--capacity", "4")).ExitCode.ShouldBe(0);

        var drained = await _broker.RunAsync("admin", "hosts", "drain", "host-01");
        var list = await _broker.RunAsync("admin", "--json", "hosts", "list");
        var undrained = await _broker.RunAsync("admin", "hosts", "undrain", "host-01");
        var unknown = await _broker.RunAsync("admin", "hosts", "drain", "host-99");
        var audit = await _broker.RunAsync("admin", "--json", "audit", "--action", "host.");
        var table = await _broker.RunAsync("admin", "audit", "--action", "host.drained", "--take", "1");

        drained.ExitCode.ShouldBe(0, drained.ToString());
        drained.Out.ShouldBe("host host-01 is draining: it gets no new desktops" + Environment.NewLine);
        using (var hosts = JsonDocument.Parse(list.Out))
        {
            hosts.RootElement.EnumerateArray().ShouldHaveSingleItem().GetProperty("draining").GetBoolean().ShouldBeTrue();
        }

        undrained.ExitCode.ShouldBe(0, undrained.ToString());
        unknown.ExitCode.ShouldBe(1, unknown.ToString());
        unknown.Error.ShouldContain("there is no host named 'host-99'");
        using var entries = JsonDocument.Parse(audit.Out);
        entries.RootElement.EnumerateArray().Select(entry => entry.GetProperty("action").GetString()).ShouldBe(["host.undrained", "host.drained", "host.enrollment-token.created"], "the host.* family, newest first");
        table.ExitCode.ShouldBe(0, table.ToString());
        table.Out.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(2, "a header and one entry");
    }

    [Fact]
    public async Task Entitle_ThenUnentitle_ShowsInPoolShow()
    {
        await _broker.LoginAsync();
        await AddImageAsync();
        (await _broker.RunAsync("admin", "pools", "create", "--name", "Eng", "--kind", "dedicated", "--image", "Windows 11:2025.06", "--size", "0")).ExitCode.ShouldBe(0);

        var entitled = await _broker.RunAsync("admin", "pools", "entitle", "Eng", "--group", "engineers");
        var shown = await _broker.RunAsync("admin", "pools", "show", "Eng");
        var removed = await _broker.RunAsync("admin", "pools", "unentitle", "Eng", "--group", "engineers");
        var removedAgain = await _broker.RunAsync("admin", "pools", "unentitle", "Eng", "--group", "engineers");

        entitled.ExitCode.ShouldBe(0, entitled.ToString());
        shown.Out.ShouldContain("group:engineers");
        removed.ExitCode.ShouldBe(0, removed.ToString());
        removedAgain.ExitCode.ShouldBe(1, removedAgain.ToString());
        removedAgain.Error.ShouldContain("404");
    }

    [Fact]
    public async Task PoolCreate_WithUnknownImage_Exits1_AndCreatesNothing()
    {
        await _broker.LoginAsync();

        var run = await _broker.RunAsync("admin", "pools", "create", "--name", "Eng", "--kind", "dedicated", "--image", "No Such Image", "--size", "1");

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Error.ShouldBe("brokerctl: there is no image 'No Such Image' (give an id, NAME or NAME:VERSION)." + Environment.NewLine);
        (await _broker.RunAsync("admin", "--json", "pools", "list")).Out.Trim().ShouldBe("[]");
    }

    [Fact]
    public async Task PoolCreate_TheBrokerFindsInvalid_Exits2_WithItsFieldMessages_AndCreatesNothing()
    {
        await _broker.LoginAsync();
        await AddImageAsync();

        var run = await _broker.RunAsync("admin", "pools", "create", "--name", "Eng", "--kind", "dedicated", "--image", "Windows 11", "--size", "-1");

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Error.ShouldStartWith("brokerctl: 400 BadRequest: The request is not valid.");
        run.Error.ShouldContain("DesiredSize");
        run.Error.TrimEnd().ShouldNotContain(Environment.NewLine);
        (await _broker.RunAsync("admin", "--json", "pools", "list")).Out.Trim().ShouldBe("[]");
    }

    [Fact]
    public async Task PoolUpdate_OfAPoolThatDoesNotExist_Exits1()
    {
        await _broker.LoginAsync();

        var run = await _broker.RunAsync("admin", "pools", "update", Guid.NewGuid().ToString(), "--size", "3");

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Error.ShouldStartWith("brokerctl: 404 NotFound: Not Found There is no pool");
    }

    [Fact]
    public async Task ImagesList_IsPlainAlignedLines_WhenNotATerminal()
    {
        await _broker.LoginAsync();
        await AddImageAsync();

        var run = await _broker.RunAsync("admin", "images", "list");

        var lines = run.Out.TrimEnd().Split(Environment.NewLine);
        lines.Length.ShouldBe(2, run.ToString());
        lines[0].ShouldStartWith("ID");
        lines[1].ShouldContain("Windows 11");
        lines[1].IndexOf("2025.06", StringComparison.Ordinal).ShouldBe(lines[0].IndexOf("VERSION", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logout_RevokesTheTokenAndForgetsIt()
    {
        await _broker.LoginAsync();
        var token = JsonDocument.Parse(await File.ReadAllTextAsync(_broker.ConfigPath, TestContext.Current.CancellationToken)).RootElement.GetProperty("token").GetString()!;

        var logout = await _broker.RunAsync("admin", "logout");
        var withOldToken = await _broker.RunAsync("admin", "--server", AdminBroker.Server, "--token", token, "pools", "list");

        logout.ExitCode.ShouldBe(0, logout.ToString());
        File.Exists(_broker.ConfigPath).ShouldBeFalse();
        withOldToken.ExitCode.ShouldBe(1, withOldToken.ToString());
        withOldToken.Error.ShouldStartWith("brokerctl: 401 Unauthorized:");
    }

    [Fact]
    public async Task Commands_WithoutALogin_Exit2_AndSaySo()
    {
        var run = await _broker.RunAsync("admin", "pools", "list");

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Error.ShouldBe("brokerctl: no broker given: run 'brokerctl admin login --server URL --user NAME', or give --server or $BROKER_SERVER." + Environment.NewLine);
    }

    [Fact]
    public async Task Commands_WithAWrongToken_Exit1_WithTheReason()
    {
        var run = await _broker.RunWithInputAsync(string.Empty, new Dictionary<string, string> { ["BROKER_SERVER"] = AdminBroker.Server, ["BROKER_TOKEN"] = "brk_pat_nonsense" }, "admin", "hosts", "list");

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Error.ShouldStartWith("brokerctl: 401 Unauthorized: not signed in, or the token is expired or revoked");
    }

    [Fact]
    public async Task Commands_WhenTheBrokerCannotBeReached_Exit2()
    {
        var run = await _broker.RunAsync(
            () => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false },
            string.Empty,
            null,
            "admin", "--server", "http://127.0.0.1:9/", "--token", "brk_pat_x", "images", "list");

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Error.ShouldStartWith("brokerctl: cannot reach the broker at http://127.0.0.1:9/:");
    }

    [Theory]
    [InlineData("admin", "pools", "create", "--name", "x")]
    [InlineData("admin", "pools", "entitle", "Eng")]
    [InlineData("admin", "pools", "entitle", "Eng", "--user", "a", "--group", "b")]
    [InlineData("admin", "pools", "create", "--name", "x", "--kind", "sideways", "--image", "i", "--size", "1")]
    [InlineData("admin", "--server", "ftp://broker", "pools", "list")]
    public async Task BadUsage_Exits2_WithOneLine(params string[] args)
    {
        var run = await _broker.RunAsync(args);

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Error.ShouldStartWith("brokerctl: ");
        run.Error.TrimEnd().ShouldNotContain(Environment.NewLine);
    }

    private async Task AddImageAsync()
    {
        var run = await _broker.RunAsync("admin", "images", "add", "--name", "Windows 11", "--version", "2025.06", "--base", "sha256:" + new string('b', 64), "--size", "64G");
        run.ExitCode.ShouldBe(0, run.ToString());
    }
}
