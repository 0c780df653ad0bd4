using Broker.Core.Hosts;
using Broker.Core.Images;

namespace Broker.Core.Desktops.Commands;

/// <summary>Build the desktop's chain: a new empty top over the image's base.</summary>
/// <param name="Host">The host agent to send it to.</param>
/// <param name="Desktop">The desktop the command is about.</param>
/// <param name="Epoch">The desktop's epoch when the command was issued.</param>
/// <param name="Image">The gold image to build the chain on.</param>
public sealed record ProvisionDesktop(HostId Host, DesktopId Desktop, Epoch Epoch, ImageId Image)
    : HostCommand(Host, Desktop, Epoch);
