using System.Net.Http.Json;
using Broker.Contracts.V1;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Server.Api.Audit;
using Broker.Server.Api.Images;
using Broker.Server.Images;
using Broker.Server.Tests.Agents;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using CoreAgentKind = Broker.Core.Access.AgentKind;

namespace Broker.Server.Tests.Images;

/// <summary>What the image tests do to an <see cref="AgentWorld"/>: connect hosts, run an offer round, read an image and the audit log.</summary>
internal static class ImageWorld
{
    /// <summary>The test's token, cancelled after two minutes: a lost command fails the test instead of hanging it.</summary>
    public static CancellationTokenSource Timeout()
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        return timeout;
    }

    /// <summary>Host <paramref name="host"/>'s agent, with a seeded credential, on an open Connect stream.</summary>
    public static async Task<ConnectedHost> ConnectHostAsync(AgentWorld world, HostId host, CancellationToken cancellationToken)
    {
        var credential = await world.SeedCredentialAsync(CoreAgentKind.Host, host.Value, cancellationToken);
        var (call, _) = await world.ConnectAsync(credential, cancellationToken);
        return new ConnectedHost(host, call, AgentWorld.Bearer(credential));
    }

    /// <summary>One round of offers of <paramref name="image"/>, as the distribution loop runs it; how many commands went out.</summary>
    public static async Task<int> OfferRoundAsync(AgentWorld world, Guid image, CancellationToken cancellationToken)
    {
        await using var scope = world.Api.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ImageOffers>().OfferAsync([new ImageId(image)], cancellationToken);
    }

    /// <summary><c>GET /api/v1/admin/images/{id}</c>.</summary>
    public static async Task<ImageResponse> ImageAsync(AgentWorld world, Guid id, CancellationToken cancellationToken) =>
        (await world.Api.Admin.GetFromJsonAsync<ImageResponse>($"/api/v1/admin/images/{id}", ApiWorld.Json, cancellationToken)).ShouldNotBeNull();

    /// <summary>The audit log's entries of <paramref name="action"/>.</summary>
    public static async Task<List<AuditEntryResponse>> AuditAsync(AgentWorld world, string action, CancellationToken cancellationToken) =>
        (await world.Api.Admin.GetFromJsonAsync<List<AuditEntryResponse>>($"/api/v1/admin/audit?action={action}", ApiWorld.Json, cancellationToken)).ShouldNotBeNull();
}

/// <summary>A host agent's open Connect stream and the credential its calls carry.</summary>
internal sealed record ConnectedHost(HostId Id, AsyncDuplexStreamingCall<AgentMessage, BrokerMessage> Call, Metadata Credential) : IDisposable
{
    public void Dispose() => Call.Dispose();
}
