namespace Broker.ClientAgent.Desktops;

/// <summary>A long operation in progress on a desktop.</summary>
internal enum DesktopActivity
{
    /// <summary>Pulling the chain.</summary>
    Pulling,

    /// <summary>Sealing and pushing layers.</summary>
    Syncing,

    /// <summary>Stopping, sealing, pushing the final layer, releasing.</summary>
    CheckingIn,

    /// <summary>Stopping after a revoke, sealing, sending the unsynced changes to the server's quarantine.</summary>
    Revoking,
}
