using Broker.Core.Images;

namespace Broker.Core.Desktops.Events;

/// <summary>Assignment: the user is done with a floating desktop; it is reset for the next one.</summary>
/// <param name="Epoch">The desktop epoch the sender acted on.</param>
/// <param name="Image">The pool's current image, which the desktop is reset to.</param>
public sealed record Released(Epoch Epoch, ImageId Image) : DesktopEvent(Epoch)
{
    /// <inheritdoc />
    public override DesktopEventKind Kind => DesktopEventKind.Released;
}
