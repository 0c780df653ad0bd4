using System.Net;
using Broker.Core.Desktops;
using Broker.Core.Quarantine;
using Broker.Persistence;
using Broker.Server.Tests.Agents;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;
using static Broker.Server.Tests.Portal.PortalPages;

namespace Broker.Server.Tests.Portal;

/// <summary>The admin desktops page lists each desktop's quarantined layers and promotes one by a form.</summary>
public sealed class AdminQuarantinePageTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Promote_RefusedWhileCheckedOut_ThenAskedAfterRevoke_SaysSoInTheNotice()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        var desktop = await world.AliceCheckedOutDesktopAsync(cancellationToken);
        var layer = LayerId.New();
        await using (var scope = world.Api.Factory.Services.CreateAsyncScope())
        {
            var record = new QuarantinedLayer
            {
                Desktop = desktop.Id,
                Layer = layer,
                RevokedEpoch = new Epoch(1),
                Device = world.Api.AliceDevice,
                SizeBytes = 3 << 20,
                ReceivedAt = DateTimeOffset.UnixEpoch,
            };
            await scope.ServiceProvider.GetRequiredService<IQuarantineStore>().RecordAsync(record, cancellationToken);
        }

        var page = await GetAsync(world.Api.Admin, "/Admin/Desktops", cancellationToken);
        var row = page.QuerySelector($"#desktops tr[data-layer='{layer}']")!;
        row.TextContent.ShouldContain("alice-laptop");
        row.TextContent.ShouldContain("3.0 MiB");
        var promote = row.QuerySelector("form")!.GetAttribute("action")!;

        var refused = await PostAndFollowAsync(world.Api.Admin, "/Admin/Desktops", promote, [], cancellationToken);
        using (var revoke = await world.Api.Admin.PostAsync(new Uri($"/api/v1/admin/desktops/{desktop.Id}/revoke", UriKind.Relative), null, cancellationToken))
        {
            revoke.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var asked = await PostAndFollowAsync(world.Api.Admin, "/Admin/Desktops", promote, [], cancellationToken);

        Notice(refused)!.ShouldStartWith("Promote was refused:");
        Notice(refused)!.ShouldContain("CheckedOut");
        Notice(asked)!.ShouldStartWith("Promote: the host was told");
        asked.QuerySelector($"#desktops tr[data-layer='{layer}']")!.TextContent.ShouldContain("Promotion asked");
    }
}
