namespace Broker.Nbd.Protocol;

/// <summary>Error values of a reply (errno-like, but fixed by the protocol).</summary>
internal enum NbdError : uint
{
    None = 0,
    NotPermitted = 1,
    InputOutput = 5,
    OutOfMemory = 12,
    InvalidArgument = 22,
    NoSpace = 28,
    Overflow = 75,
    NotSupported = 95,
    Shutdown = 108,
}
