using Broker.Contracts.V1;
using Broker.Disks.Layers;
using Broker.HostAgent.Desktops;
using Broker.Testing;
using Microsoft.Extensions.Options;

namespace Broker.HostAgent.Tests.Desktops;

/// <summary>A <see cref="DesktopManager"/> over a temporary data directory, restartable as an agent process is, and the disk reads and writes its tests need.</summary>
internal sealed class DesktopManagerHarness(TimeProvider time) : IAsyncDisposable
{
    public const long VirtualSize = 8L * 1024 * 1024;

    private readonly TempDirectory _temp = new("broker-host-desktops-");
    private DesktopManager? _manager;

    public DesktopManager Manager => _manager ?? throw new InvalidOperationException("Not started.");

    /// <summary>What every manager of this harness logged as failed.</summary>
    public RecordingLogger<DesktopManager> Log { get; } = new();

    public string DataDirectory => _temp.Path;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Stops the manager (if any) and starts a new one over the same data directory, as a restarted agent does.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();

        var options = Options.Create(new HostAgentOptions { MinFreeBytes = 0, PowerdownTimeout = TimeSpan.FromSeconds(1), VmMemoryMiB = 32 });
        _manager = new DesktopManager(new HostAgentPaths(_temp.Path), options, time, Log);
        await _manager.StartAsync(Token);
    }

    /// <summary>Stops the manager (if any), leaving the data directory to another process.</summary>
    public async Task StopAsync()
    {
        if (_manager is not null)
        {
            await _manager.DisposeAsync();
            _manager = null;
        }
    }

    /// <summary>Imports a raw disk of <see cref="VirtualSize"/> bytes, <paramref name="content"/> at offset 0, as broker image <paramref name="imageId"/>.</summary>
    public async Task ImportImageAsync(string imageId, byte[] content)
    {
        var path = _temp.File($"{imageId}.raw");
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            await file.WriteAsync(content, Token);
            file.SetLength(VirtualSize);
        }

        _ = await Manager.Images.ImportAsync(path, imageId, Token);
    }

    public Task<CommandOutcome> ApplyAsync(AgentCommand command) => Manager.ApplyAsync(command, Token);

    public LayerStore Layers(string desktopId) => Manager.Find(desktopId)!.Layers;

    /// <summary>Writes <paramref name="length"/> bytes of <paramref name="pattern"/> at <paramref name="offset"/> through the desktop's live device (the one its VM is served) and flushes.</summary>
    public async Task WriteAsync(string desktopId, long offset, byte pattern, int length = 128 * 1024)
    {
        var data = new byte[length];
        Array.Fill(data, pattern);
        var layers = Layers(desktopId);
        var device = layers.LiveDevice ?? await layers.OpenLiveDeviceAsync(Token);
        await device.WriteAsync(offset, data, forceUnitAccess: false, Token);
        await device.FlushAsync(Token);
    }

    public async Task<byte[]> ReadLiveAsync(string desktopId)
    {
        var layers = Layers(desktopId);
        var device = layers.LiveDevice ?? await layers.OpenLiveDeviceAsync(Token);
        var content = new byte[device.Size];
        await device.ReadAsync(0, content, Token);
        return content;
    }

    public async Task<byte[]> ReadSnapshotAsync(string desktopId, long layerId)
    {
        await using var device = await Layers(desktopId).BootSnapshotAsync(layerId, Token);
        var content = new byte[device.Size];
        await device.ReadAsync(0, content, Token);
        return content;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _temp.Dispose();
    }
}
