using Broker.Core.Hosts;

namespace Broker.Core.Reconciliation;

/// <summary>What a host agent last reported: a heartbeat with the desktops it holds.</summary>
/// <param name="Host">The reporting host.</param>
/// <param name="At">When the broker received the report.</param>
/// <param name="Healthy">Whether the host says it can take new desktops.</param>
/// <param name="Desktops">Every desktop the host holds files for.</param>
public sealed record HostReport(HostId Host, DateTimeOffset At, bool Healthy, IReadOnlyList<ObservedDesktop> Desktops);
