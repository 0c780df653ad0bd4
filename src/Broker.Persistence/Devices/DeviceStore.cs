using Broker.Core;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Microsoft.EntityFrameworkCore;

namespace Broker.Persistence.Devices;

internal sealed class DeviceStore(BrokerDbContext context) : IDeviceStore
{
    public async Task<Device?> FindAsync(DeviceId id, CancellationToken cancellationToken)
    {
        var row = await context.Devices.AsNoTracking().SingleOrDefaultAsync(device => device.Id == id, cancellationToken).ConfigureAwait(false);
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<Device>> FindManyAsync(IReadOnlyCollection<DeviceId> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var wanted = ids.ToList();
        var rows = await context.Devices.AsNoTracking().Where(device => wanted.Contains(device.Id)).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public async Task<IReadOnlyList<Device>> ListOnlineAsync(CancellationToken cancellationToken)
    {
        var rows = await context.Devices.AsNoTracking().Where(device => device.Online).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public async Task<IReadOnlyList<Device>> ListByOwnerAsync(UserId owner, CancellationToken cancellationToken)
    {
        var rows = await context.Devices.AsNoTracking()
            .Where(device => device.Owner == owner)
            .OrderBy(device => device.Name).ThenBy(device => device.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(row => row.ToDomain());
    }

    public Task<WriteResult> AddAsync(Device device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        return StoreWrites.AddAsync(context, DeviceRow.From(device, version: StoreWrites.FirstVersion), cancellationToken);
    }

    public Task<WriteResult> UpdateAsync(Device device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        return StoreWrites.UpdateAsync(
            context,
            DeviceRow.From(device, device.Version + 1),
            device.Version,
            token => context.Devices.AnyAsync(row => row.Id == device.Id, token),
            cancellationToken);
    }

    public Task RecordLastSeenAsync(IReadOnlyDictionary<DeviceId, DateTimeOffset> seen, CancellationToken cancellationToken) =>
        LastSeenWrites.AdvanceAsync(
            context,
            seen,
            (ids, at, token) => context.Devices
                .Where(row => ids.Contains(row.Id) && (row.LastSeen == null || row.LastSeen < at))
                .ExecuteUpdateAsync(set => set.SetProperty(row => row.LastSeen, at), token),
            cancellationToken);
}
