using System.Text.Json;
using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Broker.Server.Agents;
using Broker.Server.Desktops;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Broker.Server.Tests.Portal.PortalPages;
using CoreAgentKind = Broker.Core.Access.AgentKind;

namespace Broker.Server.Tests.Portal;

/// <summary>
/// TRANSFER_PROGRESS from the device a desktop is being pulled to reaches the desktop page (its
/// JSON handler, the progress bar) and the REST API; from any other device it is refused.
/// </summary>
public sealed class TransferProgressTests(PostgresCluster cluster)
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task ProgressReport_FromTheDeviceThePullGoesTo_ShowsPercentBytesAndRate()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var desktop = await CheckedOutToAliceDeviceAsync(world, cancellationToken);

        var refusal = await ReportAsync(world, world.AliceDevice.Value, Progress(desktop, TransferDirection.Pull, 30 * MiB, 120 * MiB, 10 * MiB), cancellationToken);

        refusal.ShouldBeNull();
        using var json = JsonDocument.Parse(await world.Alice.GetStringAsync(new Uri($"/desktops/{desktop.Id}?handler=Progress", UriKind.Relative), cancellationToken));
        var transfer = json.RootElement.GetProperty("transfer");
        transfer.GetProperty("percent").GetInt32().ShouldBe(25);
        transfer.GetProperty("percentText").GetString().ShouldBe("25 %");
        transfer.GetProperty("detail").GetString().ShouldBe("To your device: 30.0 MiB of 120.0 MiB at 10.0 MiB/s");
        var page = await GetAsync(world.Alice, $"/desktops/{desktop.Id}", cancellationToken);
        page.GetElementById("desktop-transfer")!.HasAttribute("hidden").ShouldBeFalse();
        page.GetElementById("desktop-progress-bar")!.GetAttribute("value").ShouldBe("25");
        page.GetElementById("desktop-progress-percent")!.TextContent.ShouldBe("25 %");
        using var api = JsonDocument.Parse(await world.Alice.GetStringAsync(new Uri($"/api/v1/me/desktops/{desktop.Id}", UriKind.Relative), cancellationToken));
        var progress = api.RootElement.GetProperty("progress");
        progress.GetProperty("direction").GetString().ShouldBe("Pull");
        progress.GetProperty("percent").GetInt32().ShouldBe(25);
        progress.GetProperty("doneBytes").GetInt64().ShouldBe(30 * MiB);
    }

    [Fact]
    public async Task FinalReport_DoneEqualsTotal_ShowsOneHundredPercent()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var desktop = await CheckedOutToAliceDeviceAsync(world, cancellationToken);

        (await ReportAsync(world, world.AliceDevice.Value, Progress(desktop, TransferDirection.Pull, 100 * MiB, 120 * MiB, 10 * MiB), cancellationToken)).ShouldBeNull();
        (await ReportAsync(world, world.AliceDevice.Value, Progress(desktop, TransferDirection.Pull, 120 * MiB, 120 * MiB, 12 * MiB), cancellationToken)).ShouldBeNull();

        using var json = JsonDocument.Parse(await world.Alice.GetStringAsync(new Uri($"/desktops/{desktop.Id}?handler=Progress", UriKind.Relative), cancellationToken));
        json.RootElement.GetProperty("transfer").GetProperty("percentText").GetString().ShouldBe("100 %");
    }

    [Fact]
    public async Task ProgressReport_FromAnotherDevice_IsRefusedAndNotShown()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var desktop = await CheckedOutToAliceDeviceAsync(world, cancellationToken);

        var refusal = await ReportAsync(world, world.BobDevice.Value, Progress(desktop, TransferDirection.Pull, 30 * MiB, 120 * MiB, 10 * MiB), cancellationToken);

        refusal.ShouldBe(AgentRefusal.NotYours);
        using var json = JsonDocument.Parse(await world.Alice.GetStringAsync(new Uri($"/desktops/{desktop.Id}?handler=Progress", UriKind.Relative), cancellationToken));
        json.RootElement.GetProperty("transfer").ValueKind.ShouldBe(JsonValueKind.Null);
        var page = await GetAsync(world.Alice, $"/desktops/{desktop.Id}", cancellationToken);
        page.GetElementById("desktop-transfer")!.HasAttribute("hidden").ShouldBeTrue();
    }

    [Fact]
    public async Task ProgressReport_WithMoreDoneThanTotalNoDirectionOrNotTheCurrentEpoch_IsRefused()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var desktop = await CheckedOutToAliceDeviceAsync(world, cancellationToken);
        var otherEpoch = Progress(desktop, TransferDirection.Pull, MiB, 2 * MiB, 0);
        otherEpoch.Epoch = (ulong)desktop.Epoch + 1;

        var tooMuch = await ReportAsync(world, world.AliceDevice.Value, Progress(desktop, TransferDirection.Pull, 3 * MiB, 2 * MiB, 0), cancellationToken);
        var noDirection = await ReportAsync(world, world.AliceDevice.Value, Progress(desktop, TransferDirection.Unspecified, MiB, 2 * MiB, 0), cancellationToken);
        var notCurrent = await ReportAsync(world, world.AliceDevice.Value, otherEpoch, cancellationToken);

        tooMuch.ShouldNotBeNull().Reason.ShouldBe("Malformed");
        noDirection.ShouldNotBeNull().Reason.ShouldBe("Malformed");
        notCurrent.ShouldNotBeNull().Reason.ShouldBe(nameof(StaleEpoch));
        await using var scope = world.Factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<IDesktopProgressBoard>().Latest(new DesktopId(desktop.Id)).ShouldBeNull();
    }

    [Fact]
    public void Board_ForgetsAReport_ThirtySecondsAfterIt()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var board = new InMemoryDesktopProgressBoard(time);
        var desktop = DesktopId.New();
        board.Record(desktop, new DeviceTransferProgress(ToDevice: false, MiB, 4 * MiB, MiB, time.GetUtcNow()));

        time.Advance(InMemoryDesktopProgressBoard.Lifetime - TimeSpan.FromSeconds(1));
        var stillShown = board.Latest(desktop);
        time.Advance(TimeSpan.FromSeconds(1));
        var lapsed = board.Latest(desktop);

        stillShown.ShouldNotBeNull().Percent.ShouldBe(25);
        lapsed.ShouldBeNull();
    }

    /// <summary>Alice's desktop, provisioned and checked out from the portal to her device (the pull is about to begin).</summary>
    private static async Task<Api.Desktops.DesktopResponse> CheckedOutToAliceDeviceAsync(ApiWorld world, CancellationToken cancellationToken)
    {
        var desktop = await world.AliceDesktopAsync(cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        var detail = $"/desktops/{desktop.Id}";
        var page = await PostAndFollowAsync(world.Alice, detail, $"{detail}?handler=CheckOut", [Field("device", world.AliceDevice.Value.ToString())], cancellationToken);
        Notice(page).ShouldBe("Check out: done.");
        return desktop;
    }

    private static DesktopReport Progress(Api.Desktops.DesktopResponse desktop, TransferDirection direction, long done, long total, long rate) => new()
    {
        DesktopId = desktop.Id.ToString(),
        Epoch = (ulong)desktop.Epoch,
        Kind = DesktopReportKind.TransferProgress,
        Progress = new TransferProgress { Direction = direction, DoneBytes = (ulong)done, TotalBytes = (ulong)total, RateBytesPerSecond = (ulong)rate },
    };

    private static async Task<AgentRefusal?> ReportAsync(ApiWorld world, Guid device, DesktopReport report, CancellationToken cancellationToken)
    {
        await using var scope = world.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AgentDesktopReports>().ApplyAsync(new AgentIdentity(CoreAgentKind.Device, device), report, cancellationToken);
    }
}
