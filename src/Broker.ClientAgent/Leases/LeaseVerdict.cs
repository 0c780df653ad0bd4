namespace Broker.ClientAgent.Leases;

/// <summary>What the offline lease allows now.</summary>
internal enum LeaseVerdict
{
    /// <summary>The lease holds.</summary>
    Valid,

    /// <summary>The lease holds but ends within the warning window.</summary>
    ExpiringSoon,

    /// <summary>No lease, or it has lapsed: the VM may not run until the broker renews it.</summary>
    Expired,

    /// <summary>The clock is behind a time the agent already saw: the lease cannot be judged until the broker is reached.</summary>
    ClockRolledBack,
}
