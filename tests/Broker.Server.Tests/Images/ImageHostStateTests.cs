using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Broker.Contracts.V1;
using Broker.Persistence;
using Broker.Server.Api.Images;
using Broker.Server.Tests.Agents;
using Broker.Testing.Databases;
using Microsoft.AspNetCore.Mvc;

namespace Broker.Server.Tests.Images;

/// <summary>
/// An uploaded image's state per host, over the real gateway and REST: one host's failure does not
/// spoil the image for the others (Ready as soon as one imported it, the failing host listed with
/// its reason); Failed only when every host that tried failed; a failed host is not offered the
/// image again until an admin retries, which offers it at once and is audited; a host that
/// connects later is offered a Ready image.
/// </summary>
public sealed class ImageHostStateTests(PostgresCluster cluster)
{
    private static readonly string SomeAddress = "sha256:" + new string('b', 64);

    /// <summary>The base of <see cref="ApiWorld"/>'s image, registered by address.</summary>
    private static readonly string WorldImageAddress = "sha256:" + new string('b', 64);

    [Fact]
    public async Task OneHostFails_AnotherImports_ImageIsReady_WithTheFailingHostListed()
    {
        using var timeout = ImageWorld.Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        using var full = await ImageWorld.ConnectHostAsync(world, await world.FirstHostAsync(cancellationToken), cancellationToken);
        using var roomy = await ImageWorld.ConnectHostAsync(world, await TestHosts.AddHealthyAsync(world.Api.Factory.Services, "host-2", 4, null, cancellationToken), cancellationToken);

        var uploaded = await UploadAsync(world, "fedora", cancellationToken);
        (uploaded.Status, uploaded.HostsImported, uploaded.HostsTotal).ShouldBe(("Distributing", 0, 2));
        uploaded.Hosts.ShouldNotBeNull().Select(host => (host.HostName, host.State)).ShouldBe([("host-1", "Offered"), ("host-2", "Offered")]);
        _ = await AgentWorld.ImportCommandAsync(full.Call, uploaded.Id, cancellationToken);
        _ = await AgentWorld.ImportCommandAsync(roomy.Call, uploaded.Id, cancellationToken);

        await ReportAsync(world, full, uploaded.Id, failure: "no space left on device", cancellationToken);
        var halfway = await ImageWorld.ImageAsync(world, uploaded.Id, cancellationToken);
        await ReportAsync(world, roomy, uploaded.Id, failure: null, cancellationToken);
        var ready = await ImageWorld.ImageAsync(world, uploaded.Id, cancellationToken);
        var listed = (await world.Api.Admin.GetFromJsonAsync<List<ImageResponse>>("/api/v1/admin/images", ApiWorld.Json, cancellationToken)).ShouldNotBeNull().Single(image => image.Id == uploaded.Id);

        halfway.Status.ShouldBe("Distributing");
        (ready.Status, ready.StatusReason, ready.BaseContentAddress, ready.HostsImported, ready.HostsTotal).ShouldBe(("Ready", (string?)null, SomeAddress, 1, 2));
        var hosts = ready.Hosts.ShouldNotBeNull();
        hosts.Select(host => (host.HostId, host.HostName, host.State, host.Detail)).ShouldBe(
            [(full.Id.Value, "host-1", "Failed", "no space left on device"), (roomy.Id.Value, "host-2", "Imported", (string?)null)]);
        hosts.ShouldAllBe(host => host.UpdatedAt > DateTimeOffset.UnixEpoch);
        (listed.Status, listed.HostsImported, listed.HostsTotal, listed.Hosts).ShouldBe(("Ready", 1, 2, (IReadOnlyList<ImageHostResponse>?)null));
        (await ImageWorld.AuditAsync(world, "image.failed", cancellationToken)).ShouldHaveSingleItem().Detail.ShouldBe($"host {full.Id}: no space left on device");
        (await ImageWorld.AuditAsync(world, "image.ready", cancellationToken)).ShouldHaveSingleItem().Actor.ShouldBe($"agent:host:{roomy.Id}");

        // A late failure from the host that has the image is an echo and changes nothing.
        await ReportAsync(world, roomy, uploaded.Id, failure: "too late", cancellationToken);
        (await ImageWorld.ImageAsync(world, uploaded.Id, cancellationToken)).Hosts.ShouldNotBeNull().Single(host => host.HostId == roomy.Id.Value).State.ShouldBe("Imported");
    }

    [Fact]
    public async Task EveryHostFails_ImageIsFailed_NotOfferedAgainUntilRetry_WhichOffersItAtOnce()
    {
        using var timeout = ImageWorld.Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        using var first = await ImageWorld.ConnectHostAsync(world, await world.FirstHostAsync(cancellationToken), cancellationToken);
        using var second = await ImageWorld.ConnectHostAsync(world, await TestHosts.AddHealthyAsync(world.Api.Factory.Services, "host-2", 4, null, cancellationToken), cancellationToken);
        var uploaded = await UploadAsync(world, "broken", cancellationToken);
        _ = await AgentWorld.ImportCommandAsync(first.Call, uploaded.Id, cancellationToken);
        _ = await AgentWorld.ImportCommandAsync(second.Call, uploaded.Id, cancellationToken);

        await ReportAsync(world, first, uploaded.Id, failure: "qemu-img: not a qcow2", cancellationToken);
        await ReportAsync(world, second, uploaded.Id, failure: "no space left on device", cancellationToken);
        var failed = await ImageWorld.ImageAsync(world, uploaded.Id, cancellationToken);
        var offeredWhileFailed = await ImageWorld.OfferRoundAsync(world, uploaded.Id, cancellationToken);

        (failed.Status, failed.HostsImported, failed.HostsTotal).ShouldBe(("Failed", 0, 2));
        failed.StatusReason.ShouldBe("host host-1: qemu-img: not a qcow2; host host-2: no space left on device");
        failed.Hosts.ShouldNotBeNull().ShouldAllBe(host => host.State == "Failed");
        offeredWhileFailed.ShouldBe(0);

        using var retry = await world.Api.Admin.PostAsync(new Uri($"/api/v1/admin/images/{uploaded.Id}/retry", UriKind.Relative), null, cancellationToken);
        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        var retried = await ApiWorld.ReadAsync<ImageResponse>(retry, cancellationToken);
        _ = await AgentWorld.ImportCommandAsync(first.Call, uploaded.Id, cancellationToken);
        _ = await AgentWorld.ImportCommandAsync(second.Call, uploaded.Id, cancellationToken);
        retried.Status.ShouldBe("Distributing");
        retried.Hosts.ShouldNotBeNull().Select(host => host.State).ShouldBe(["Offered", "Offered"]);
        (await ImageWorld.AuditAsync(world, "image.retried", cancellationToken)).ShouldHaveSingleItem().Detail.ShouldBe("broken 1: offered again to host-1, host-2");

        await ReportAsync(world, second, uploaded.Id, failure: null, cancellationToken);
        var ready = await ImageWorld.ImageAsync(world, uploaded.Id, cancellationToken);
        using var again = await world.Api.Admin.PostAsync(new Uri($"/api/v1/admin/images/{uploaded.Id}/retry", UriKind.Relative), null, cancellationToken);
        using var unknown = await world.Api.Admin.PostAsync(new Uri($"/api/v1/admin/images/{Guid.NewGuid()}/retry", UriKind.Relative), null, cancellationToken);

        (ready.Status, ready.HostsImported).ShouldBe(("Ready", 1));
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var unchanged = await ApiWorld.ReadAsync<ImageResponse>(again, cancellationToken);
        unchanged.Hosts.ShouldNotBeNull().Select(host => (host.HostName, host.State)).ShouldBe([("host-1", "Offered"), ("host-2", "Imported")]);
        (await ImageWorld.AuditAsync(world, "image.retried", cancellationToken)).Count.ShouldBe(1);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        unknown.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await ApiWorld.ReadAsync<ProblemDetails>(unknown, cancellationToken)).Detail.ShouldNotBeNull().ShouldContain("There is no image");
    }

    [Fact]
    public async Task HostConnectingAfterTheImageIsReady_IsOfferedIt_AndTheImageRegisteredByAddressToo()
    {
        using var timeout = ImageWorld.Timeout();
        var cancellationToken = timeout.Token;
        await using var world = await AgentWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        using var first = await ImageWorld.ConnectHostAsync(world, await world.FirstHostAsync(cancellationToken), cancellationToken);
        var uploaded = await UploadAsync(world, "fedora", cancellationToken);
        _ = await AgentWorld.ImportCommandAsync(first.Call, uploaded.Id, cancellationToken);
        await ReportAsync(world, first, uploaded.Id, failure: null, cancellationToken);
        (await ImageWorld.ImageAsync(world, uploaded.Id, cancellationToken)).Status.ShouldBe("Ready");

        using var late = await ImageWorld.ConnectHostAsync(world, await TestHosts.AddHealthyAsync(world.Api.Factory.Services, "host-late", 4, null, cancellationToken), cancellationToken);

        // The distribution loop's next round (ImageUploads:OfferInterval, 10 s) offers it, and the
        // world's image registered by address (with its base, to copy from another host).
        var commands = new Dictionary<string, string>();
        while (!commands.ContainsKey(uploaded.Id.ToString()) || !commands.ContainsKey(world.Api.Pool.ImageId.ToString()))
        {
            var command = await AgentWorld.CommandAsync(late.Call, AgentCommandKind.ImportImage, cancellationToken);
            commands[command.ImageId] = command.ContentAddress;
        }

        commands[uploaded.Id.ToString()].ShouldBeEmpty("an upload is downloaded from the broker");
        commands[world.Api.Pool.ImageId.ToString()].ShouldBe(WorldImageAddress);
        var offered = await ImageWorld.ImageAsync(world, uploaded.Id, cancellationToken);
        offered.Status.ShouldBe("Ready");
        offered.Hosts.ShouldNotBeNull().Select(host => (host.HostId, host.State)).ShouldBe([(first.Id.Value, "Imported"), (late.Id.Value, "Offered")]);
        var byAddress = await ImageWorld.ImageAsync(world, world.Api.Pool.ImageId, cancellationToken);
        (byAddress.Status, byAddress.HostsImported, byAddress.HostsTotal).ShouldBe(("Ready", (int?)0, (int?)2));
        byAddress.Hosts.ShouldNotBeNull().ShouldContain(host => host.HostId == late.Id.Value && host.State == "Offered");
        using var retry = await world.Api.Admin.PostAsync(new Uri($"/api/v1/admin/images/{world.Api.Pool.ImageId}/retry", UriKind.Relative), null, cancellationToken);
        retry.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task ReportAsync(AgentWorld world, ConnectedHost host, Guid image, string? failure, CancellationToken cancellationToken)
    {
        var report = failure is null
            ? new ImageImportReport { ImageId = image.ToString(), Succeeded = true, ContentAddress = SomeAddress, VirtualSizeBytes = 1 << 20 }
            : new ImageImportReport { ImageId = image.ToString(), Detail = failure };
        await world.Gateway.ReportImageImportAsync(report, host.Credential, cancellationToken: cancellationToken);
    }

    private static async Task<ImageResponse> UploadAsync(AgentWorld world, string name, CancellationToken cancellationToken)
    {
        using var body = new ByteArrayContent(RandomNumberGenerator.GetBytes(8 * 512));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await world.Api.Admin.PostAsync(new Uri($"/api/v1/admin/images/import?name={name}&version=1", UriKind.Relative), body, cancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(cancellationToken));
        return await ApiWorld.ReadAsync<ImageResponse>(response, cancellationToken);
    }
}
