namespace Broker.HostAgent.Broker;

/// <summary>The HTTP handler broker calls go through: null for the network; tests put an in-process server's here.</summary>
internal sealed record BrokerHandler(HttpMessageHandler? Handler);
