using Broker.Testing;
using Broker.Testing.Qemu;

namespace Broker.Qemu.Tests;

/// <summary>
/// A test guest's raw disk served by qemu-nbd, and VM specs that boot it. Each spec gets its own
/// serial log so one boot's output never mixes with another's.
/// </summary>
internal sealed class GuestMachine : IAsyncDisposable
{
    /// <summary>Guests power off in well under a second; this only bounds a hang on a loaded machine.</summary>
    public static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _directory;
    private readonly QemuNbdServer _nbd;
    private int _boots;

    private GuestMachine(TempDirectory directory, string diskPath, QemuNbdServer nbd)
    {
        _directory = directory;
        DiskPath = diskPath;
        _nbd = nbd;
    }

    public string DiskPath { get; }

    public TempDirectory Directory => _directory;

    /// <summary>Options for tests: TCG or KVM as probed, short shutdown escalation.</summary>
    public static QemuOptions Options => new()
    {
        PowerdownTimeout = TimeSpan.FromSeconds(1),
        QuitTimeout = TimeSpan.FromSeconds(10),
    };

    public static async Task<GuestMachine> CreateAsync(string guest, CancellationToken cancellationToken, long diskBytes = TestGuests.DefaultDiskBytes)
    {
        var directory = new TempDirectory("broker-guest-");
        try
        {
            var disk = TestGuests.CreateRawDisk(guest, directory.File("disk.raw"), diskBytes);
            var nbd = await QemuNbdServer.StartAsync(disk, directory.File("nbd.sock"), cancellationToken, exportName: "disk");
            return new GuestMachine(directory, disk, nbd);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>A spec for the next boot, with a fresh serial log path.</summary>
    public VmSpec NextSpec()
    {
        var boot = Interlocked.Increment(ref _boots);
        return new VmSpec
        {
            Name = $"guest-{boot}",
            MemoryMiB = 32,
            Disk = new NbdDisk(_nbd.SocketPath, _nbd.ExportName),
            SerialLogPath = _directory.File($"serial-{boot}.log"),
            QmpSocketPath = _directory.File("qmp.sock"),
            VncSocketPath = _directory.File("vnc.sock"),
            PidFilePath = _directory.File("qemu.pid"),
        };
    }

    /// <summary>Boots once, waits until the guest powers QEMU off, and returns the serial output.</summary>
    public async Task<string> BootToPowerOffAsync(CancellationToken cancellationToken)
    {
        var spec = NextSpec();
        await using var vm = await QemuVm.StartAsync(spec, Options, TimeProvider.System, cancellationToken);
        var exitCode = await vm.Exited.WaitAsync(BootTimeout, cancellationToken);
        exitCode.ShouldBe(0, $"QEMU output:\n{vm.Output}\nserial:\n{SerialLog.Read(spec.SerialLogPath)}");
        return SerialLog.Read(spec.SerialLogPath);
    }

    public async ValueTask DisposeAsync()
    {
        await _nbd.DisposeAsync();
        _directory.Dispose();
    }
}
