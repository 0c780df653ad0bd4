using Broker.Core.Devices;

namespace Broker.Core.Reconciliation;

/// <summary>What a client agent last reported: a heartbeat with the desktop copies it holds.</summary>
/// <param name="Device">The reporting device.</param>
/// <param name="At">When the broker received the report.</param>
/// <param name="Copies">Every desktop copy on the device, complete or partly pulled.</param>
public sealed record DeviceReport(DeviceId Device, DateTimeOffset At, IReadOnlyList<ObservedLocalCopy> Copies);
