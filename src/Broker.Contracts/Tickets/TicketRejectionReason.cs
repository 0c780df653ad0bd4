namespace Broker.Contracts.Tickets;

/// <summary>Why a transfer ticket was refused.</summary>
public enum TicketRejectionReason
{
    /// <summary>The call carried no ticket.</summary>
    Missing = 1,

    /// <summary>The ticket (or its encoding) is longer than any ticket the broker issues.</summary>
    TooLarge,

    /// <summary>Not base64, not a SignedTicket/Ticket, wrong field sizes, or required fields missing.</summary>
    Malformed,

    /// <summary>Signed by a key this verifier does not hold.</summary>
    UnknownKey,

    /// <summary>The signature does not verify over the ticket bytes.</summary>
    BadSignature,

    /// <summary>The ticket's expiry has passed.</summary>
    Expired,

    /// <summary>The ticket was issued in the future (beyond the allowed clock skew).</summary>
    NotYetValid,

    /// <summary>The ticket names another host agent.</summary>
    WrongHost,

    /// <summary>The ticket names another desktop.</summary>
    WrongDesktop,

    /// <summary>The ticket names another device.</summary>
    WrongDevice,

    /// <summary>The ticket allows the other direction (pull instead of push or the reverse).</summary>
    WrongDirection,

    /// <summary>The ticket's epoch is not the desktop's current epoch.</summary>
    EpochMismatch,

    /// <summary>The ticket lists layers and the requested one is not among them.</summary>
    LayerNotCovered,

    /// <summary>The ticket covers another base image (or none, or the call is about a desktop).</summary>
    WrongImage,
}
