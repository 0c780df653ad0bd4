using System.Security.Cryptography;
using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Broker.Disks.Images;
using Broker.Disks.Layers;
using Broker.Testing;
using Broker.Transfer.Client;
using Broker.Transfer.Host;
using Broker.Vhdx;
using Broker.Vhdx.Storage;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core.Interceptors;

namespace Broker.Transfer.Tests;

/// <summary>
/// A host holding one checked-out desktop (base + two sealed layers with data, zeros and holes),
/// served for real, a client side with its own base store, and tickets from a broker key.
/// </summary>
internal sealed class TransferScenario : IAsyncDisposable
{
    public const string DesktopId = "desktop-1";
    public const string DeviceId = "laptop-1";
    public const string HostId = "host-1";

    /// <summary>The host an image pull ticket names as the one copying the base.</summary>
    public const string ReceivingHostId = "host-2";
    public const long VirtualSize = 16L * 1024 * 1024;

    private readonly ECDsa _brokerKey = TicketKeys.CreatePrivateKey();
    private readonly TempDirectory _temp = new("broker-transfer-");

    private TransferScenario()
    {
        Signer = new TicketSigner(_brokerKey);
        Verifier = new TicketVerifier([_brokerKey], TimeProvider.System);
    }

    public TicketSigner Signer { get; }

    public TicketVerifier Verifier { get; }

    public InMemoryDesktopRegistry Registry { get; } = new();

    public BaseImageStore HostBases { get; private set; } = null!;

    public LayerStore HostLayers { get; private set; } = null!;

    public BaseImageStore ClientBases { get; private set; } = null!;

    public TransferHost Host { get; private set; } = null!;

    public ulong Epoch { get; private set; } = 7;

    /// <summary>The host desktop's quarantine, once <see cref="RevokeAsync"/> opened it.</summary>
    public LayerQuarantine? HostQuarantine { get; private set; }

    public string ClientLayerDirectory => _temp.File("client/desktop");

    public string ClientWorkDirectory => _temp.File("client/work");

    public string ClientBaseDirectory => _temp.File("client/images");

    public string HostLayerDirectory => _temp.File("host/desktop");

    public string HostQuarantineDirectory => _temp.File("host/quarantine");

    /// <summary>Where a host worker process listens.</summary>
    public string WorkerSocket => _temp.File("worker.sock");

    /// <summary>The broker's public key as a PEM file, for a host worker process.</summary>
    public string WritePublicKey()
    {
        var path = _temp.File("broker-public.pem");
        File.WriteAllText(path, TicketKeys.ExportPublicKeyPem(_brokerKey));
        return path;
    }

    /// <summary>Stops the in-process host and closes the host's layer store, so a worker process can serve it.</summary>
    public async Task ReleaseHostAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
            Host = null!;
        }

        if (HostLayers is not null)
        {
            await HostLayers.DisposeAsync();
            HostLayers = null!;
        }
    }

    /// <summary>Opens the host's layer store in this process again (no worker may be serving it).</summary>
    public async Task ReopenHostLayersAsync(CancellationToken cancellationToken)
    {
        await ReleaseHostAsync();
        HostLayers = await LayerStore.OpenAsync(FileStorage.Instance, HostLayerDirectory, null, cancellationToken);
    }

    public static async Task<TransferScenario> CreateAsync(Interceptor? interceptor = null, CancellationToken cancellationToken = default)
    {
        var scenario = new TransferScenario();
        await scenario.InitializeAsync(interceptor, cancellationToken);
        return scenario;
    }

    public void SetEpoch(ulong epoch)
    {
        Epoch = epoch;
        Registry.Set(new TransferDesktop(DesktopId, HostLayers, epoch, DeviceId));
    }

    /// <summary>
    /// Revokes the check-out as the host agent records it: the desktop moves to the next epoch, back
    /// on the server, and the device may still push under the old one, into the quarantine. Returns
    /// the revoked epoch.
    /// </summary>
    public async Task<ulong> RevokeAsync(CancellationToken cancellationToken)
    {
        var revoked = Epoch;
        HostQuarantine ??= await LayerQuarantine.OpenAsync(FileStorage.Instance, HostQuarantineDirectory, null, cancellationToken);
        Epoch = revoked + 1;
        Registry.Set(new TransferDesktop(DesktopId, HostLayers, Epoch, null, new RevokedCheckOut(revoked, DeviceId, HostQuarantine)));
        return revoked;
    }

    public SignedTicket Ticket(TransferDirection direction, ulong? epoch = null, TimeSpan? lifetime = null, DateTimeOffset? issuedAt = null, string deviceId = DeviceId)
    {
        var issued = issuedAt ?? TimeProvider.System.GetUtcNow();
        return Signer.Sign(new Ticket
        {
            DesktopId = DesktopId,
            HostId = HostId,
            DeviceId = deviceId,
            Direction = direction,
            Epoch = epoch ?? Epoch,
            IssuedAt = Timestamp.FromDateTimeOffset(issued),
            ExpiresAt = Timestamp.FromDateTimeOffset(issued + (lifetime ?? TimeSpan.FromMinutes(10))),
        });
    }

    /// <summary>An image pull ticket for base <paramref name="contentAddress"/>, served by <paramref name="hostId"/>.</summary>
    public SignedTicket ImageTicket(string contentAddress, string hostId = HostId, DateTimeOffset? issuedAt = null)
    {
        var issued = issuedAt ?? TimeProvider.System.GetUtcNow();
        return Signer.Sign(new Ticket
        {
            HostId = hostId,
            DeviceId = ReceivingHostId,
            Direction = TransferDirection.ImagePull,
            BaseContentAddress = contentAddress,
            IssuedAt = Timestamp.FromDateTimeOffset(issued),
            ExpiresAt = Timestamp.FromDateTimeOffset(issued + TimeSpan.FromMinutes(10)),
        });
    }

    /// <summary>Copies a base from the host into <see cref="ClientBases"/> under <paramref name="ticket"/>.</summary>
    public BaseImagePuller ImagePuller(SignedTicket ticket, PullOptions? options = null) =>
        new(TransferClient.ForImage(Host.Invoker, ticket), ClientBases, ClientWorkDirectory, options);

    public TransferClient Client(TransferDirection direction, SignedTicket? ticket = null) =>
        new(Host.Invoker, DesktopId, ticket ?? Ticket(direction));

    public ChainPuller Puller(PullOptions? options = null) =>
        new(Client(TransferDirection.Pull), ClientBases, ClientWorkDirectory, options);

    public LayerPusher Pusher() => new(Client(TransferDirection.Push), ClientWorkDirectory);

    /// <summary>The virtual content of the chain up to sealed layer <paramref name="layerId"/> of <paramref name="store"/>.</summary>
    public static async Task<byte[]> ReadSnapshotAsync(LayerStore store, long layerId)
    {
        await using var device = await store.BootSnapshotAsync(layerId, CancellationToken.None);
        var content = new byte[device.Size];
        await device.ReadAsync(0, content, CancellationToken.None);
        return content;
    }

    /// <summary>What layer file <paramref name="layer"/> holds itself: present extents and their bytes.</summary>
    public static async Task<(IReadOnlyList<VhdxExtent> Extents, byte[] Data)> ReadLayerAsync(LayerStore store, LayerRecord layer)
    {
        await using var file = await VhdxFile.OpenAsync(FileStorage.Instance, store.PathOf(layer), VhdxOpenOptions.ReadOnlyDefault, CancellationToken.None);
        var extents = await file.GetAllocationAsync(CancellationToken.None);
        using var data = new MemoryStream();
        foreach (var extent in extents)
        {
            var buffer = new byte[extent.Length];
            await file.ReadAsync(extent.Offset, buffer, CancellationToken.None);
            data.Write(buffer);
        }

        return (extents, data.ToArray());
    }

    /// <summary>Writes a pattern through the store's live device (the top).</summary>
    public static async Task WriteAsync(LayerStore store, long offset, int length, byte seed)
    {
        var device = await store.OpenLiveDeviceAsync(CancellationToken.None);
        var data = new byte[length];
        var random = new Random(seed);
        for (var i = 0; i < length; i += 4096)
        {
            // Half the 4 KiB blocks random, half zero: compressible and not.
            if ((i / 4096) % 2 == 0)
            {
                random.NextBytes(data.AsSpan(i, Math.Min(4096, length - i)));
            }
        }

        await device.WriteAsync(offset, data, forceUnitAccess: false, CancellationToken.None);
        await device.FlushAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (HostLayers is not null)
        {
            await HostLayers.DisposeAsync();
        }

        if (HostQuarantine is not null)
        {
            await HostQuarantine.DisposeAsync();
        }

        await HostBases.DisposeAsync();
        await ClientBases.DisposeAsync();
        Verifier.Dispose();
        _brokerKey.Dispose();
        _temp.Dispose();
    }

    private async Task InitializeAsync(Interceptor? interceptor, CancellationToken cancellationToken)
    {
        var storage = FileStorage.Instance;
        var source = _temp.File("source.vhdx");
        await using (var file = await VhdxFile.CreateAsync(storage, source, VhdxCreateOptions.Dynamic(VirtualSize, blockSize: 1024 * 1024), cancellationToken))
        {
            var pattern = new byte[3 * 1024 * 1024];
            new Random(1).NextBytes(pattern);
            await file.WriteAsync(0, pattern, cancellationToken);
            await file.WriteAsync(9 * 1024 * 1024, pattern.AsMemory(0, 512 * 1024), cancellationToken);
            await file.FlushAsync(cancellationToken);
        }

        HostBases = await BaseImageStore.OpenAsync(storage, _temp.File("host/images"), null, cancellationToken);
        var image = await HostBases.ImportVhdxAsync(source, cancellationToken);
        HostLayers = await LayerStore.CreateAsync(storage, HostLayerDirectory, image.Path, image.Address, null, cancellationToken);

        // Layer 1: data across a 1 MiB boundary, a present zero run, a sector-sized write.
        await WriteAsync(HostLayers, 512 * 1024, 1536 * 1024, 11);
        var device = await HostLayers.OpenLiveDeviceAsync(cancellationToken);
        await device.WriteAsync(5 * 1024 * 1024, new byte[64 * 1024], forceUnitAccess: false, cancellationToken);
        await device.WriteAsync(12L * 1024 * 1024 + 4096, new byte[] { 1, 2, 3 }.Concat(new byte[509]).ToArray(), forceUnitAccess: true, cancellationToken);
        _ = await HostLayers.SealAsync(cancellationToken);

        // Layer 2: overwrites part of layer 1 and the base.
        await WriteAsync(HostLayers, 1024 * 1024, 256 * 1024, 12);
        await WriteAsync(HostLayers, 0, 8192, 13);
        _ = await HostLayers.SealAsync(cancellationToken);

        ClientBases = await BaseImageStore.OpenAsync(storage, ClientBaseDirectory, null, cancellationToken);
        Registry.Set(new TransferDesktop(DesktopId, HostLayers, Epoch, DeviceId));
        Host = await TransferHost.StartAsync(_temp.Path, Registry, Verifier, new TransferHostOptions { HostId = HostId }, interceptor);
    }
}
