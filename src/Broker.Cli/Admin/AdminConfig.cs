namespace Broker.Cli.Admin;

/// <summary>What <c>admin login</c> stores: the broker's address and a personal access token for it.</summary>
/// <param name="Server">The broker's base address.</param>
/// <param name="Token">The personal access token, sent as <c>Authorization: Bearer</c>.</param>
/// <param name="TokenId">The token's id on the broker, so <c>logout</c> can revoke it; null when unknown.</param>
/// <param name="User">Who logged in, for messages.</param>
/// <param name="BrokerCertificate">The pinned fingerprint of the broker's TLS certificate (<c>SHA256:…</c>, <c>--fingerprint</c>); null for the system's trust.</param>
internal sealed record AdminConfig(string Server, string Token, string? TokenId, string? User, string? BrokerCertificate = null);
