using System.Net.Sockets;
using Broker.Disks.Chains;
using Broker.Nbd;
using Broker.Qemu;

namespace Broker.HostAgent.Desktops;

/// <summary>
/// One run of a desktop: our NBD server exporting the chain's live device on the desktop's unix
/// socket, and QEMU booting from it with COM1 in the desktop's serial log.
/// </summary>
internal sealed class DesktopVm : IAsyncDisposable
{
    public const string Export = "disk";

    private readonly NbdServer _server;
    private readonly QemuVm _qemu;

    private DesktopVm(NbdServer server, QemuVm qemu)
    {
        _server = server;
        _qemu = qemu;
    }

    public NbdServer Server => _server;

    public bool Running => !_qemu.Exited.IsCompleted;

    /// <summary>Serves <paramref name="device"/> and starts QEMU; a QEMU left by an earlier agent process (pid file) is killed first.</summary>
    public static async Task<DesktopVm> StartAsync(string name, ChainBlockDevice device, DesktopPaths paths, QemuOptions options, int memoryMiB, TimeProvider time, CancellationToken cancellationToken)
    {
        var server = new NbdServer();
        try
        {
            server.AddExport(Export, device);
            File.Delete(paths.NbdSocket);
            server.Start(new UnixDomainSocketEndPoint(paths.NbdSocket));
            var spec = new VmSpec
            {
                Name = name,
                MemoryMiB = memoryMiB,
                Disk = new NbdDisk(paths.NbdSocket, Export),
                SerialLogPath = paths.SerialLog,
                QmpSocketPath = paths.QmpSocket,
                PidFilePath = paths.PidFile,
            };
            var qemu = await QemuVm.StartAsync(spec, options, time, cancellationToken).ConfigureAwait(false);
            return new DesktopVm(server, qemu);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>ACPI power-down, then quit, then kill (<see cref="QemuVm.ShutdownAsync"/>); then the export stops.</summary>
    public async ValueTask DisposeAsync()
    {
        await _qemu.DisposeAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
    }
}
