using System.Net;
using Broker.Nbd.Protocol;
using Microsoft.Extensions.Logging;

namespace Broker.Nbd.Internal;

/// <summary>Source-generated log messages of the NBD server; event ids are stable (2100–2199).</summary>
internal static partial class NbdLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "NBD server listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, EndPoint endPoint);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "NBD server stopped listening on {EndPoint}")]
    public static partial void Stopped(ILogger logger, EndPoint endPoint);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "NBD connection {ConnectionId} accepted")]
    public static partial void ConnectionAccepted(ILogger logger, long connectionId);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "NBD connection refused: {MaxConnections} connections already open")]
    public static partial void ConnectionRefused(ILogger logger, int maxConnections);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "NBD connection {ConnectionId} uses export {ExportName}")]
    public static partial void ExportSelected(ILogger logger, long connectionId, string exportName);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Debug, Message = "NBD connection {ConnectionId} closed")]
    public static partial void ConnectionClosed(ILogger logger, long connectionId);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "NBD connection {ConnectionId} broke the protocol; hanging up")]
    public static partial void ProtocolViolation(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Warning, Message = "NBD connection {ConnectionId} did not finish the handshake in time")]
    public static partial void HandshakeTimedOut(ILogger logger, long connectionId);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Debug, Message = "NBD connection {ConnectionId} dropped by the peer")]
    public static partial void ConnectionDropped(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(EventId = 2109, Level = LogLevel.Warning, Message = "NBD connection {ConnectionId}: {Command} at {Offset}+{Length} failed with {Error}")]
    public static partial void RequestFailed(ILogger logger, long connectionId, NbdCommand command, ulong offset, uint length, NbdError error, Exception exception);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Debug, Message = "NBD connection {ConnectionId}: {Command} at {Offset}+{Length} refused with {Error}")]
    public static partial void RequestRefused(ILogger logger, long connectionId, NbdCommand command, ulong offset, uint length, NbdError error);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Information, Message = "NBD export {ExportName} quiesced")]
    public static partial void ExportQuiesced(ILogger logger, string exportName);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Error, Message = "NBD connection {ConnectionId} failed")]
    public static partial void ConnectionFailed(ILogger logger, long connectionId, Exception exception);
}
