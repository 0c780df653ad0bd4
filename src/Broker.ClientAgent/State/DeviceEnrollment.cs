namespace Broker.ClientAgent.State;

/// <summary>This device's identity at the broker, from <c>Enroll</c>.</summary>
/// <param name="Server">The broker's address.</param>
/// <param name="DeviceId">The device id the broker assigned.</param>
/// <param name="Credential">The device credential (bearer secret).</param>
/// <param name="SigningKeyPem">The broker's ticket- and lease-signing public key.</param>
/// <param name="BrokerCertificate">The pinned fingerprint of the broker's TLS certificate (<c>SHA256:…</c>); null for the system's trust.</param>
internal sealed record DeviceEnrollment(string Server, string DeviceId, string Credential, string SigningKeyPem, string? BrokerCertificate = null);
