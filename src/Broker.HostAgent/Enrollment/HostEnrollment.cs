using Broker.Contracts;
using Broker.Contracts.Tls;
using Broker.Contracts.V1;

namespace Broker.HostAgent.Enrollment;

/// <summary>Trades an admin's one-time enrollment token for this host's credential and stores it.</summary>
internal static class HostEnrollment
{
    /// <summary>
    /// Enrolls at <paramref name="server"/> and saves the identity in <paramref name="dataDirectory"/>;
    /// with <paramref name="pin"/>, trusting exactly that broker certificate, then and on every later call.
    /// <paramref name="handler"/> replaces the network (tests); the caller keeps owning it.
    /// </summary>
    public static async Task<HostIdentity> EnrollAsync(Uri server, string token, CertificatePin? pin, string dataDirectory, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        using var pinned = handler is null ? BrokerChannels.PinnedHandler(pin) : null;
        using var channel = BrokerChannels.Create(server, handler ?? pinned);
        var response = await new AgentGateway.AgentGatewayClient(channel).EnrollAsync(
            new EnrollRequest
            {
                Kind = AgentKind.Host,
                EnrollmentToken = token,
                Hello = new Hello { CapabilityVersion = ContractVersion.Capability, AgentVersion = HostAgentVersion.Text },
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var identity = new HostIdentity(server, response.AgentId, response.Credential, response.SigningPublicKeyPem, pin?.ToString());
        await identity.SaveAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
        return identity;
    }
}
