using Broker.Core;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;
using static Broker.Server.Tests.Portal.PortalPages;

namespace Broker.Server.Tests.Portal;

/// <summary>
/// Admin → Images on real SQLite: an uploaded image shows how many of the hosts have it and which
/// hosts failed it with their reasons; "Retry failed hosts" clears those and says so.
/// </summary>
public sealed class AdminImagesPageTests(PostgresCluster cluster)
{
    [Fact]
    public async Task ImagesPage_UploadWithAFailedHost_ShowsNOfMHostsAndTheReason_AndRetryClearsIt()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await PortalWorld.CreateAsync(cluster, cancellationToken);
        var image = ImageId.New();
        HostId full;
        await using (var scope = world.Factory.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            var hosts = services.GetRequiredService<IHostStore>();
            full = (await hosts.ListAsync(cancellationToken)).Single(host => host.Name == "host-1").Id;
            var roomy = Host.Create(HostId.New(), new HostDraft("host-2", 4)).Value!;
            (await hosts.AddAsync(roomy, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
            var imports = services.GetRequiredService<IImageImportStore>();
            var now = TimeProvider.System.GetUtcNow();
            (await imports.AddAsync(new ImageImport { Id = image, Name = "fedora", Version = "42", FileSizeBytes = 4096, FileSha256 = new string('e', 64), UploadedAt = now }, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
            (await imports.RecordAsync(new ImageImportHost { Image = image, Host = full, State = ImageHostImportState.Failed, Detail = "no space left on device", UpdatedAt = now }, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
            (await imports.RecordAsync(new ImageImportHost { Image = image, Host = roomy.Id, State = ImageHostImportState.Imported, UpdatedAt = now }, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        }

        var page = await GetAsync(world.Admin, "/Admin/Images", cancellationToken);
        var row = page.QuerySelector($"#images tr[data-image='{image.Value}']").ShouldNotBeNull();
        row.QuerySelector(".image-status")!.TextContent.Trim().ShouldBe("Ready");
        row.QuerySelector(".host-count")!.TextContent.ShouldBe("1 of 2 hosts");
        var failed = row.QuerySelector($".failed-hosts li[data-host='{full.Value}']").ShouldNotBeNull();
        failed.TextContent.ShouldContain("host-1: no space left on device");
        var retry = row.QuerySelector("form").ShouldNotBeNull();

        var retried = await PostAndFollowAsync(world.Admin, "/Admin/Images", retry.GetAttribute("action")!, [], cancellationToken);

        Notice(retried).ShouldBe("Image 'fedora 42' is offered again to the 1 host(s) that failed it.");
        var after = retried.QuerySelector($"#images tr[data-image='{image.Value}']").ShouldNotBeNull();
        after.QuerySelector(".failed-hosts").ShouldBeNull();
        after.QuerySelector(".host-count")!.TextContent.ShouldBe("1 of 2 hosts");
        var audit = await GetAsync(world.Admin, "/Admin/Audit?action=image.retried", cancellationToken);
        audit.QuerySelectorAll("#audit tbody tr").ShouldHaveSingleItem();
    }
}
