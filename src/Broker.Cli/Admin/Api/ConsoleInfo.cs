namespace Broker.Cli.Admin.Api;

/// <summary>A range of a desktop's serial console log (<c>/api/v1/admin/desktops/{id}/console</c>); the next read continues at <see cref="NextOffset"/>.</summary>
internal sealed record ConsoleInfo(Guid DesktopId, long Offset, long NextOffset, long Length, string Text);
