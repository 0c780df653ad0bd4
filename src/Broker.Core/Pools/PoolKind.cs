namespace Broker.Core.Pools;

/// <summary>How a pool's desktops relate to users.</summary>
public enum PoolKind
{
    /// <summary>A desktop is assigned to a user on first request and stays theirs.</summary>
    Dedicated,

    /// <summary>Any free desktop is handed out and reset to the pool image on release.</summary>
    Floating,
}
