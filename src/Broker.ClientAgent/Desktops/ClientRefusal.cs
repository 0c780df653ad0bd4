namespace Broker.ClientAgent.Desktops;

/// <summary>Why the agent refuses a request; its name travels in the <c>client-refusal</c> trailer.</summary>
internal enum ClientRefusal
{
    /// <summary>The device is not enrolled: run <c>brokerctl login</c>.</summary>
    NotEnrolled,

    /// <summary>The offline lease has lapsed: connect to the broker to renew it.</summary>
    LeaseExpired,

    /// <summary>The clock went back past a time already seen: connect to the broker.</summary>
    ClockRolledBack,

    /// <summary>The broker revoked the desktop from this device.</summary>
    Revoked,

    /// <summary>The broker says the user may not check this desktop out.</summary>
    NotEntitled,

    /// <summary>The broker or the desktop's host cannot be reached; the request is queued where it can be.</summary>
    BrokerUnreachable,

    /// <summary>The desktop is in a phase that does not allow the request (e.g. start while pulling).</summary>
    WrongPhase,

    /// <summary>The desktop's pool does not let the user defer a background sync.</summary>
    SyncDeferNotAllowed,

    /// <summary>Local branches that diverged from the server's chain are kept; a check-in would delete them.</summary>
    DivergedBranchesKept,
}
