using Broker.Core;
using Broker.Core.Desktops;
using Broker.Core.Devices;
using Broker.Core.Entitlements;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Core.Pools;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Persistence.Tests;

/// <summary>One image, pool, host, device and desktop saved through the stores, for tests that need a world to act on.</summary>
internal sealed record DomainSeed(GoldImage Image, Pool Pool, Host Host, Device Device, Desktop Desktop)
{
    public static readonly UserId Alice = new("user-alice");

    public static async Task<DomainSeed> CreateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var scope = services.CreateAsyncScope();
        await using (scope)
        {
            var provider = scope.ServiceProvider;
            var image = GoldImage.Create(ImageId.New(), new GoldImageDraft("Windows 11", "2025.06", "sha256:" + new string('a', 64), 64L << 30)).Value!;
            (await provider.GetRequiredService<IImageStore>().AddAsync(image, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);

            var offline = new OfflinePolicy { Allowed = true, LeaseDays = 3, Heartbeat = TimeSpan.FromMinutes(2), Retention = new RetentionPolicy(1, 2, 3) { SnapshotInterval = TimeSpan.FromMinutes(20) }, WipeOnRevoke = true };
            var pool = Pool.Create(PoolId.New(), new PoolDraft("Engineering", PoolKind.Dedicated, image.Id, 2, offline)).Value!;
            var savedPool = await provider.GetRequiredService<IPoolStore>().AddAsync(pool, cancellationToken);
            pool = pool with { Version = savedPool.Version };

            var host = Host.Create(HostId.New(), new HostDraft("host-1", 10)).Value! with { Health = HostHealth.Healthy };
            host = host with { Version = (await provider.GetRequiredService<IHostStore>().AddAsync(host, cancellationToken)).Version };

            var device = Device.Create(DeviceId.New(), new DeviceDraft(Alice, "alice-laptop")).Value!;
            device = device with { Version = (await provider.GetRequiredService<IDeviceStore>().AddAsync(device, cancellationToken)).Version };

            var desktop = DesktopStateMachine.Create(DesktopId.New(), pool.Id, "Engineering-001", host.Id, image.Id).Desktop
                with
            { State = DesktopState.Available, Assignee = Alice };
            desktop = desktop with { Version = (await provider.GetRequiredService<IDesktopStore>().AddAsync(desktop, cancellationToken)).Version };
            return new DomainSeed(image, pool, host, device, desktop);
        }
    }
}
