namespace Broker.Core.Desktops;

/// <summary>Why a check-out may not even be requested (see <see cref="CheckOutRules.Check"/>).</summary>
public enum CheckOutRefusal
{
    /// <summary>The pool's offline policy does not allow check-out.</summary>
    OfflineNotAllowed,

    /// <summary>The desktop is not assigned to the requesting user.</summary>
    NotAssignedToUser,

    /// <summary>The device belongs to another user.</summary>
    DeviceOfAnotherUser,
}
