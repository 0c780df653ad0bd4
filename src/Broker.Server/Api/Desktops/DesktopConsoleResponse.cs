using System.Text;
using Broker.Contracts.V1;
using Broker.Server.Desktops;

namespace Broker.Server.Api.Desktops;

/// <summary>
/// A range of a desktop's serial console log: <see cref="Text"/> starts at byte <see cref="Offset"/>;
/// the next read continues at <see cref="NextOffset"/>; the log was <see cref="Length"/> bytes long
/// (shorter than a caller's offset: the VM booted again and the log restarted).
/// </summary>
internal sealed record DesktopConsoleResponse(Guid DesktopId, long Offset, long NextOffset, long Length, string Text)
{
    public static DesktopConsoleResponse From(Guid desktopId, ConsoleText text)
    {
        var complete = ConsoleUtf8.CompleteLength(text.Data.Span);
        return new DesktopConsoleResponse(
            desktopId,
            (long)text.Offset,
            (long)text.Offset + complete,
            (long)text.Length,
            Encoding.UTF8.GetString(text.Data.Span[..complete]));
    }
}
