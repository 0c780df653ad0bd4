using System.Net;
using System.Net.Http.Json;
using Broker.Contracts.V1;
using Broker.Persistence;
using Broker.Server.Agents;
using Broker.Server.Api.Images;
using Broker.Server.Images;
using Broker.Server.Tests.Agents;
using Broker.Testing.Databases;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Server.Tests.Images;

/// <summary>
/// An image registered by address on its way from host to host, over the real gateway and REST:
/// registering it offers it at once to the connected hosts with its base in the command; a host's
/// report counts only when it names that base (another base marks the host Failed); the admin sees
/// n of m hosts and may retry; a host that does not answer is offered it again after
/// <see cref="ImageUploadOptions.ReofferAfter"/>, not before.
/// </summary>
public sealed class ImageByAddressTests(PostgresCluster cluster)
{
    private static readonly string Base = "sha256:" + new string('c', 64);
    private static readonly string OtherBase = "sha256:" + new string('d', 64);

    [Fact]
    public async Task RegisteredByAddress_IsOfferedWithItsBase_AndEachHostsReportIsCheckedAgainstIt()
    {
        using var timeout = ImageWorld.Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        using var wrong = await ImageWorld.ConnectHostAsync(world, await world.FirstHostAsync(cancellationToken), cancellationToken);
        using var right = await ImageWorld.ConnectHostAsync(world, await TestHosts.AddHealthyAsync(world.Api.Factory.Services, "host-2", 4, null, cancellationToken), cancellationToken);

        var registered = await RegisterAsync(world, cancellationToken);
        var toWrong = await AgentWorld.ImportCommandAsync(wrong.Call, registered.Id, cancellationToken);
        var toRight = await AgentWorld.ImportCommandAsync(right.Call, registered.Id, cancellationToken);
        var offered = await ImageWorld.ImageAsync(world, registered.Id, cancellationToken);
        await ReportAsync(world, wrong, registered.Id, OtherBase, cancellationToken);
        await ReportAsync(world, right, registered.Id, Base, cancellationToken);
        await world.Gateway.ReportImageImportAsync(new ImageImportReport { ImageId = registered.Id.ToString(), Detail = "too late" }, right.Credential, cancellationToken: cancellationToken);
        var reported = await ImageWorld.ImageAsync(world, registered.Id, cancellationToken);
        var listed = (await world.Api.Admin.GetFromJsonAsync<List<ImageResponse>>("/api/v1/admin/images", ApiWorld.Json, cancellationToken)).ShouldNotBeNull().Single(image => image.Id == registered.Id);
        var download = await Should.ThrowAsync<RpcException>(async () =>
        {
            using var call = world.Gateway.DownloadImage(new DownloadImageRequest { ImageId = registered.Id.ToString() }, right.Credential, cancellationToken: cancellationToken);
            await call.ResponseStream.MoveNext(cancellationToken);
        });

        (registered.Status, registered.HostsImported, registered.HostsTotal).ShouldBe(("Ready", (int?)0, (int?)2));
        (toWrong.ContentAddress, toRight.ContentAddress).ShouldBe((Base, Base));
        offered.Hosts.ShouldNotBeNull().Select(host => (host.HostName, host.State)).ShouldBe([("host-1", "Offered"), ("host-2", "Offered")]);
        (reported.Status, reported.BaseContentAddress, reported.HostsImported, reported.HostsTotal, reported.StatusReason).ShouldBe(("Ready", Base, (int?)1, (int?)2, (string?)null));
        reported.Hosts.ShouldNotBeNull().Select(host => (host.HostName, host.State, host.Detail)).ShouldBe(
            [("host-1", "Failed", $"The host reported base {OtherBase}, but the image is registered as {Base}."), ("host-2", "Imported", (string?)null)]);
        (listed.HostsImported, listed.HostsTotal, listed.Hosts).ShouldBe(((int?)1, (int?)2, (IReadOnlyList<ImageHostResponse>?)null));
        (await ImageWorld.AuditAsync(world, "image.failed", cancellationToken)).ShouldHaveSingleItem().Detail.ShouldContain(OtherBase);
        download.StatusCode.ShouldBe(StatusCode.NotFound);

        using var retry = await world.Api.Admin.PostAsync(new Uri($"/api/v1/admin/images/{registered.Id}/retry", UriKind.Relative), null, cancellationToken);
        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AgentWorld.ImportCommandAsync(wrong.Call, registered.Id, cancellationToken)).ContentAddress.ShouldBe(Base);
        (await ApiWorld.ReadAsync<ImageResponse>(retry, cancellationToken)).Hosts.ShouldNotBeNull().Select(host => (host.HostName, host.State)).ShouldBe([("host-1", "Offered"), ("host-2", "Imported")]);
        (await ImageWorld.AuditAsync(world, "image.retried", cancellationToken)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task UnansweredOffer_IsOfferedAgainAfterReofferAfter_AndNotOnceAnswered()
    {
        using var timeout = ImageWorld.Timeout();
        var cancellationToken = timeout.Token;
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken, services =>
        {
            services.Configure<ImageUploadOptions>(options => options.OfferInterval = TimeSpan.FromHours(1)); // no loop round during the test: only its explicit rounds offer
            services.AddSingleton(provider => new ImageDistribution(provider.GetRequiredService<AgentSessions>(), provider.GetRequiredService<IOptions<ImageUploadOptions>>(), clock));
        });
        using var host = await ImageWorld.ConnectHostAsync(world, await world.FirstHostAsync(cancellationToken), cancellationToken);
        var reofferAfter = world.Api.Factory.Services.GetRequiredService<IOptions<ImageUploadOptions>>().Value.ReofferAfter;
        var registered = await RegisterAsync(world, cancellationToken);
        _ = await AgentWorld.ImportCommandAsync(host.Call, registered.Id, cancellationToken); // offered at registration

        var atOnce = await ImageWorld.OfferRoundAsync(world, registered.Id, cancellationToken);
        clock.Advance(reofferAfter - TimeSpan.FromSeconds(1));
        var justBefore = await ImageWorld.OfferRoundAsync(world, registered.Id, cancellationToken);
        clock.Advance(TimeSpan.FromSeconds(1));
        var after = await ImageWorld.OfferRoundAsync(world, registered.Id, cancellationToken);
        var again = await AgentWorld.ImportCommandAsync(host.Call, registered.Id, cancellationToken);
        await ReportAsync(world, host, registered.Id, Base, cancellationToken);
        clock.Advance(reofferAfter);
        var answered = await ImageWorld.OfferRoundAsync(world, registered.Id, cancellationToken);

        (atOnce, justBefore, after, answered).ShouldBe((0, 0, 1, 0));
        again.ContentAddress.ShouldBe(Base);
        reofferAfter.ShouldBe(TimeSpan.FromMinutes(2));
    }

    private static async Task<ImageResponse> RegisterAsync(AgentWorld world, CancellationToken cancellationToken)
    {
        using var response = await world.Api.Admin.PostAsync(
            new Uri("/api/v1/admin/images", UriKind.Relative),
            ApiWorld.JsonBody(new { name = "ubuntu", version = "24.04", baseContentAddress = Base, sizeBytes = 8L << 30 }),
            cancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(cancellationToken));
        return await ApiWorld.ReadAsync<ImageResponse>(response, cancellationToken);
    }

    private static async Task ReportAsync(AgentWorld world, ConnectedHost host, Guid image, string address, CancellationToken cancellationToken)
    {
        var report = new ImageImportReport { ImageId = image.ToString(), Succeeded = true, ContentAddress = address, VirtualSizeBytes = 8UL << 30 };
        await world.Gateway.ReportImageImportAsync(report, host.Credential, cancellationToken: cancellationToken);
    }
}
