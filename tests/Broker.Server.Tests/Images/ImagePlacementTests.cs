using Broker.Core;
using Broker.Core.Desktops;
using Broker.Core.Images;
using Broker.Core.Pools;
using Broker.Persistence;
using Broker.Server.Pools;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Server.Tests.Images;

/// <summary>
/// A pool of an image, uploaded to the broker or registered by address, grows on the hosts that
/// imported it first and never on one that failed it (there the desktop would wait for an admin's
/// retry); real SQLite.
/// </summary>
public sealed class ImagePlacementTests(PostgresCluster cluster)
{
    [Fact]
    public async Task ProvisionAsync_UploadedImage_FillsTheHostsThatImportedItFirstAndSkipsOneThatFailedIt()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await using var scope = world.Factory.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var imports = services.GetRequiredService<IImageImportStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var holding = await TestHosts.AddHealthyAsync(services, "holding", 2, now, cancellationToken);
        var failed = await TestHosts.AddHealthyAsync(services, "failed", 50, now, cancellationToken);
        var image = ImageId.New();
        (await imports.AddAsync(new ImageImport { Id = image, Name = "fedora", Version = "42", FileSizeBytes = 4096, FileSha256 = new string('e', 64), UploadedAt = now }, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        (await imports.RecordAsync(new ImageImportHost { Image = image, Host = holding, State = ImageHostImportState.Imported, UpdatedAt = now }, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        (await imports.RecordAsync(new ImageImportHost { Image = image, Host = failed, State = ImageHostImportState.Failed, Detail = "not a disk image", UpdatedAt = now }, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        // The first host's import registered it (as ImageImportReports does).
        var registered = GoldImage.Create(image, new GoldImageDraft("fedora", "42", "sha256:" + new string('a', 64), 1L << 30)).Value!;
        (await services.GetRequiredService<IImageStore>().AddAsync(registered, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var pool = Pool.Create(PoolId.New(), new PoolDraft("fedora-pool", PoolKind.Dedicated, image, 3, null)).Value!;
        (await services.GetRequiredService<IPoolStore>().AddAsync(pool, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);

        var unplaced = await services.GetRequiredService<PoolProvisioner>().ProvisionAsync(pool, "admin", cancellationToken);

        unplaced.ShouldBe(0);
        var placed = await services.GetRequiredService<IDesktopStore>().ListByPoolAsync(pool.Id, cancellationToken);
        placed.Count.ShouldBe(3);
        placed.Count(desktop => desktop.Host == holding).ShouldBe(2, "the host that holds the image is filled first");
        placed.ShouldNotContain(desktop => desktop.Host == failed);
    }

    [Fact]
    public async Task ProvisionAsync_ImageRegisteredByAddress_FillsTheHostsThatImportedItFirst_ThenHostsWithNoAnswer_NeverOneThatFailedIt()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await using var scope = world.Factory.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var imports = services.GetRequiredService<IImageImportStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var holding = await TestHosts.AddHealthyAsync(services, "holding", 2, now, cancellationToken);
        var offered = await TestHosts.AddHealthyAsync(services, "offered", 50, now, cancellationToken);
        var failed = await TestHosts.AddHealthyAsync(services, "failed", 100, now, cancellationToken);
        var image = GoldImage.Create(ImageId.New(), new GoldImageDraft("ubuntu", "24.04", "sha256:" + new string('c', 64), 1L << 30)).Value!;
        (await services.GetRequiredService<IImageStore>().AddAsync(image, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        (await imports.MarkOfferedAsync(image.Id, offered, now, cancellationToken)).ShouldBeTrue();
        (await imports.RecordAsync(new ImageImportHost { Image = image.Id, Host = holding, State = ImageHostImportState.Imported, UpdatedAt = now }, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        (await imports.RecordAsync(new ImageImportHost { Image = image.Id, Host = failed, State = ImageHostImportState.Failed, Detail = "source unreachable", UpdatedAt = now }, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var pool = Pool.Create(PoolId.New(), new PoolDraft("ubuntu-pool", PoolKind.Dedicated, image.Id, 4, null)).Value!;
        (await services.GetRequiredService<IPoolStore>().AddAsync(pool, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);

        var unplaced = await services.GetRequiredService<PoolProvisioner>().ProvisionAsync(pool, "admin", cancellationToken);

        unplaced.ShouldBe(0);
        var placed = await services.GetRequiredService<IDesktopStore>().ListByPoolAsync(pool.Id, cancellationToken);
        placed.Count(desktop => desktop.Host == holding).ShouldBe(2, "the host that holds the image is filled first");
        placed.Count(desktop => desktop.Host == offered).ShouldBe(2, "then the host with most free slots that did not fail it");
        placed.ShouldNotContain(desktop => desktop.Host == failed);
    }
}
