using Broker.Contracts.V1;
using Broker.Core.Desktops;
using Grpc.Core;

namespace Broker.Server.Desktops;

/// <summary>
/// A desktop's serial console log, read from the host that runs it (issue 8): finds the desktop and
/// its host, and asks the host at its reported transfer address. An offline host is not called.
/// </summary>
internal sealed class DesktopConsoles(DesktopHostLocator locator, HostConsoleReader reader)
{
    /// <summary>Largest range one read asks for; the host caps at the same.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> of the desktop's log from the desktop's host: from
    /// <paramref name="offset"/> when given, else its last <paramref name="tail"/> bytes.
    /// </summary>
    public async Task<DesktopConsoleRead> ReadAsync(DesktopId id, ulong? offset, ulong tail, uint maxBytes, CancellationToken cancellationToken)
    {
        var location = await locator.LocateAsync(id, "its console", cancellationToken);
        if (location is not { Host: { } host, Address: { } address })
        {
            return location.Desktop is null ? DesktopConsoleRead.NotFound(location.Failure!) : DesktopConsoleRead.Unavailable(location.Failure!);
        }

        try
        {
            var request = new ReadConsoleRequest { DesktopId = id.ToString(), MaxBytes = maxBytes };
            if (offset is { } start)
            {
                request.Offset = start;
            }
            else
            {
                request.TailBytes = tail;
            }

            return DesktopConsoleRead.Done(await reader.ReadAsync(address, host.Id.ToString(), request, cancellationToken));
        }
        catch (RpcException failure) when (failure.StatusCode == StatusCode.NotFound)
        {
            return DesktopConsoleRead.NotFound($"Host {host.Name} holds no desktop {id} (not provisioned there yet).");
        }
        catch (RpcException failure) when (!cancellationToken.IsCancellationRequested)
        {
            return DesktopConsoleRead.Unavailable($"Host {host.Name} at {address} did not answer the console read: {failure.StatusCode} {failure.Status.Detail}");
        }
    }
}
