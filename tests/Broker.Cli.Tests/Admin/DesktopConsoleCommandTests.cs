using System.Net;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using Broker.Core;
using Broker.Core.Desktops;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Core.Pools;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Cli.Tests.Admin;

/// <summary><c>brokerctl admin desktop console</c>: against the real broker in process, and against a scripted broker for <c>--follow</c>.</summary>
[SupportedOSPlatform("linux")]
public sealed class DesktopConsoleCommandTests : IAsyncLifetime
{
    private AdminBroker _broker = null!;

    public async ValueTask InitializeAsync()
    {
        _broker = new AdminBroker();
        (await _broker.LoginAsync()).ExitCode.ShouldBe(0);
    }

    public ValueTask DisposeAsync() => _broker.DisposeAsync();

    [Fact]
    public async Task Console_OfADesktopWhoseHostCannotBeAsked_Exits1WithTheBrokersReason_AndOfAnUnknownDesktop_Exits1()
    {
        var desktop = await SeedDesktopAsync();

        var unavailable = await _broker.RunAsync("admin", "desktop", "console", desktop.ToString());
        var unknown = await _broker.RunAsync("admin", "desktop", "console", Guid.NewGuid().ToString());
        var badTail = await _broker.RunAsync("admin", "desktop", "console", desktop.ToString(), "--tail", "-1");

        unavailable.ExitCode.ShouldBe(1, unavailable.ToString());
        unavailable.Error.ShouldContain("is offline");
        unknown.ExitCode.ShouldBe(1, unknown.ToString());
        badTail.ExitCode.ShouldBe(2, badTail.ToString());
    }

    [Fact]
    public async Task Follow_ReadsOnFromEachNextOffset_StartsOverWhenTheLogRestarted_AndStopsOnARefusal()
    {
        var desktop = Guid.NewGuid();
        var broker = new ScriptedConsole(desktop,
        [
            ("tail=65536", Answer(0, 8, 8, "boot 1\r\n")),
            ("offset=8", Answer(8, 8, 8, string.Empty)),
            ("offset=8", Answer(8, 12, 12, "ok\r\n")),
            ("offset=12", Answer(4, 4, 4, string.Empty)),
            ("offset=0", Answer(0, 4, 4, "new\n")),
            ("offset=4", null),
        ]);

        var run = await _broker.RunAsync(() => broker, string.Empty, null, "admin", "desktop", "console", desktop.ToString(), "--follow");

        broker.Queries.ShouldBe(["tail=65536", "offset=8", "offset=8", "offset=12", "offset=0", "offset=4"]);
        run.Out.ShouldBe("boot 1\r\nok\r\nnew\n");
        run.Error.ShouldContain("restarted");
        run.Error.ShouldContain("host-1 did not answer");
        run.ExitCode.ShouldBe(1, run.ToString());
    }

    private static string Answer(long offset, long next, long length, string text) =>
        JsonSerializer.Serialize(new { desktopId = Guid.Empty, offset, nextOffset = next, length, text });

    /// <summary>A desktop on a host that is offline (as every host is until its agent reports).</summary>
    private async Task<DesktopId> SeedDesktopAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var scope = _broker.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var image = GoldImage.Create(ImageId.New(), new GoldImageDraft("Windows 11", "2025.06", "sha256:" + new string('a', 64), 64L << 30)).Value!;
        (await services.GetRequiredService<IImageStore>().AddAsync(image, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var pool = Pool.Create(PoolId.New(), new PoolDraft("Engineering", PoolKind.Dedicated, image.Id, 1, new OfflinePolicy())).Value!;
        (await services.GetRequiredService<IPoolStore>().AddAsync(pool, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var host = Host.Create(HostId.New(), new HostDraft("host-1", 10)).Value!;
        (await services.GetRequiredService<IHostStore>().AddAsync(host, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var desktop = DesktopStateMachine.Create(DesktopId.New(), pool.Id, "Engineering-001", host.Id, image.Id).Desktop;
        (await services.GetRequiredService<IDesktopStore>().AddAsync(desktop, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        return desktop.Id;
    }

    /// <summary>
    /// Answers the console endpoint of one desktop from a script of (expected query, JSON answer); a
    /// null answer is the broker's 503. Records the queries it was asked.
    /// </summary>
    private sealed class ScriptedConsole(Guid desktop, IReadOnlyList<(string Query, string? Json)> script) : HttpMessageHandler
    {
        public List<string> Queries { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.RequestUri!.AbsolutePath.ShouldBe($"/api/v1/admin/desktops/{desktop}/console");
            Queries.Add(request.RequestUri.Query.TrimStart('?'));
            var answer = Queries.Count <= script.Count ? script[Queries.Count - 1].Json : null;
            return Task.FromResult(answer is null
                ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
                {
                    Content = new StringContent("""{"title":"Host unavailable","status":503,"detail":"Host host-1 did not answer."}""", Encoding.UTF8, "application/problem+json"),
                }
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer, Encoding.UTF8, "application/json") });
        }
    }
}
