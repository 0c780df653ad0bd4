using System.Net;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;

namespace Broker.Cli.Tests.Admin;

/// <summary>
/// <c>brokerctl admin desktop snapshots</c> and <c>restore [--wait]</c>: refusals against the real
/// broker in process; the listing and the wait against a scripted broker.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class DesktopSnapshotCommandTests : IAsyncLifetime
{
    private static readonly Guid Desktop = Guid.NewGuid();
    private static readonly Guid First = Guid.NewGuid();
    private static readonly Guid Second = Guid.NewGuid();

    private AdminBroker _broker = null!;

    public async ValueTask InitializeAsync()
    {
        _broker = new AdminBroker();
        (await _broker.LoginAsync()).ExitCode.ShouldBe(0);
    }

    public ValueTask DisposeAsync() => _broker.DisposeAsync();

    [Fact]
    public async Task SnapshotsAndRestore_OfAnUnknownDesktop_Exit1WithTheBrokersReason_AndRestoreWithoutASnapshot_Exits2()
    {
        var list = await _broker.RunAsync("admin", "desktop", "snapshots", Guid.NewGuid().ToString());
        var restore = await _broker.RunAsync("admin", "desktop", "restore", Guid.NewGuid().ToString(), "--snapshot", Guid.NewGuid().ToString());
        var noSnapshot = await _broker.RunAsync("admin", "desktop", "restore", Guid.NewGuid().ToString());

        list.ExitCode.ShouldBe(1, list.ToString());
        list.Error.ShouldContain("There is no desktop");
        restore.ExitCode.ShouldBe(1, restore.ToString());
        restore.Error.ShouldContain("There is no desktop");
        noSnapshot.ExitCode.ShouldBe(2, noSnapshot.ToString());
    }

    [Fact]
    public async Task Snapshots_PrintsEachLayerWithWhereItStands_OrTheApisJson()
    {
        var broker = new ScriptedBroker([("GET /snapshots", SnapshotsJson())]);
        var json = new ScriptedBroker([("GET /snapshots", SnapshotsJson())]);

        var text = await _broker.RunAsync(() => broker, string.Empty, null, "admin", "desktop", "snapshots", Desktop.ToString());
        var asJson = await _broker.RunAsync(() => json, string.Empty, null, "admin", "--json", "desktop", "snapshots", Desktop.ToString());

        text.ExitCode.ShouldBe(0, text.ToString());
        var lines = text.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldContain(line => line.Contains(First.ToString(), StringComparison.Ordinal) && line.Contains("2026-11-25 08:00:00Z", StringComparison.Ordinal) && line.Contains("branch", StringComparison.Ordinal));
        lines.ShouldContain(line => line.Contains(Second.ToString(), StringComparison.Ordinal) && line.Contains("current", StringComparison.Ordinal) && line.Contains("4096", StringComparison.Ordinal));
        using var document = JsonDocument.Parse(asJson.Out);
        document.RootElement.EnumerateArray().Select(snapshot => snapshot.GetProperty("layerId").GetGuid()).ShouldBe([First, Second]);
    }

    [Fact]
    public async Task RestoreWait_PostsTheSnapshot_ThenPollsUntilTheDesktopIsAvailable()
    {
        var broker = new ScriptedBroker(
        [
            ("POST /restore", DesktopJson("RollingBack")),
            ("GET ", DesktopJson("RollingBack")),
            ("GET ", DesktopJson("Available")),
        ]);

        var run = await _broker.RunAsync(() => broker, string.Empty, null, "admin", "desktop", "restore", Desktop.ToString(), "--snapshot", First.ToString(), "--wait");

        run.ExitCode.ShouldBe(0, run.ToString());
        broker.Asked.ShouldBe(["POST /restore", "GET ", "GET "]);
        broker.Bodies[0].ShouldBe($$"""{"snapshot":"{{First}}"}""");
        run.Out.ShouldContain($"to {First} sent to its host: now RollingBack");
        run.Error.ShouldContain("is Available");
    }

    [Fact]
    public async Task RestoreWait_ThatEndsInAnotherState_Exits1()
    {
        var broker = new ScriptedBroker([("POST /restore", DesktopJson("RollingBack")), ("GET ", DesktopJson("Deleted"))]);

        var run = await _broker.RunAsync(() => broker, string.Empty, null, "admin", "desktop", "restore", Desktop.ToString(), "--snapshot", First.ToString(), "--wait");

        run.ExitCode.ShouldBe(1, run.ToString());
        run.Error.ShouldContain("is Deleted");
    }

    private static string SnapshotsJson() => JsonSerializer.Serialize(new object[]
    {
        new { layerId = First, parentLayerId = (Guid?)null, sealedAt = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), createdAt = DateTimeOffset.UnixEpoch, sizeBytes = 5 << 20, contentSha256 = "ab", isTopParent = false, onBranch = true },
        new { layerId = Second, parentLayerId = (Guid?)First, sealedAt = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), createdAt = DateTimeOffset.UnixEpoch, sizeBytes = 4096, contentSha256 = "cd", isTopParent = true, onBranch = false },
    });

    private static string DesktopJson(string state) => JsonSerializer.Serialize(new
    {
        id = Desktop,
        poolId = Guid.NewGuid(),
        name = "Engineering-001",
        hostId = Guid.NewGuid(),
        imageId = Guid.NewGuid(),
        assignee = (string?)null,
        state,
        epoch = 1,
        serverCopyLocked = false,
        deviceId = (Guid?)null,
        leaseExpiresAt = (DateTimeOffset?)null,
        transferPaused = false,
        lastSyncAt = (DateTimeOffset?)null,
        version = 2,
    });

    /// <summary>
    /// Answers the desktop's endpoints from a script of ("METHOD /suffix", JSON) in order; records
    /// what it was asked as "METHOD suffix-after-the-desktop-path" and the request bodies.
    /// </summary>
    private sealed class ScriptedBroker(IReadOnlyList<(string Asked, string Json)> script) : HttpMessageHandler
    {
        public List<string> Asked { get; } = [];

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var prefix = $"/api/v1/admin/desktops/{Desktop}";
            request.RequestUri!.AbsolutePath.ShouldStartWith(prefix);
            Asked.Add($"{request.Method} {request.RequestUri.AbsolutePath[prefix.Length..]}");
            Bodies.Add(request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken));
            var step = script[Asked.Count - 1];
            Asked[^1].ShouldBe(step.Asked);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(step.Json, Encoding.UTF8, "application/json") };
        }
    }
}
