namespace Broker.Server.Desktops;

/// <summary>How a desktop action ended; the REST layer maps each to one status code.</summary>
internal enum DesktopActionOutcome
{
    /// <summary>Applied and saved.</summary>
    Done,

    /// <summary>No such desktop or pool, or not one the caller may see.</summary>
    NotFound,

    /// <summary>The device named is unknown or not the caller's (the two are not told apart).</summary>
    InvalidDevice,

    /// <summary>A rule or the state machine refused the action; nothing changed.</summary>
    Refused,

    /// <summary>Someone else changed the desktop first; nothing changed.</summary>
    Conflict,
}
