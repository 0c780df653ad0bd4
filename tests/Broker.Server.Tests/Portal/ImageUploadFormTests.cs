using System.Security.Cryptography;
using Broker.Core.Images;
using Broker.Persistence;
using Broker.Testing.Browser;
using Broker.Testing.Databases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Broker.Server.Tests.Portal;

/// <summary>
/// The admin images page's upload form in Debian's chromium against a real Kestrel: a raw disk file
/// is streamed to the broker and listed; a missing field and a file that is no disk image are shown
/// as errors and store nothing.
/// </summary>
public sealed class ImageUploadFormTests(PostgresCluster cluster, ChromiumBrowser browser) : IClassFixture<ChromiumBrowser>
{
    private const long MaxFileBytes = 64 * 1024;

    [Fact]
    public async Task UploadForm_RawDiskFile_IsStoredAndListed_BadInputIsShownAndStoresNothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await using var factory = new BrokerAppFactory(site, new Dictionary<string, string?> { ["ImageUploads:MaxFileBytes"] = MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = factory.CreateClient();
        await using var context = await browser.NewContextAsync(client.BaseAddress!, cancellationToken);
        var page = await context.NewPageAsync();
        await PortalLogin.LogInAsync(page, "admin", site.AdminPassword());
        await page.GotoAsync("/Admin/Images");
        var disk = RandomNumberGenerator.GetBytes(16 * 512);

        // No name: the page says what is missing and sends nothing.
        await page.SetInputFilesAsync("#Upload_File", new FilePayload { Name = "fedora-42.raw", MimeType = "application/octet-stream", Buffer = disk });
        await page.FillAsync("#Upload_Version", "42");
        await page.ClickAsync("#image-upload-submit");
        (await page.TextContentAsync("#image-upload-errors")).ShouldBe("Enter the image's name.");

        // No disk image: the broker's answer is shown.
        await page.SetInputFilesAsync("#Upload_File", new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "these are no sectors\n"u8.ToArray() });
        await page.FillAsync("#Upload_Name", "fedora");
        await page.ClickAsync("#image-upload-submit");
        await ErrorsShowAsync(page, "Not a disk image");
        await ChromiumBrowser.SaveScreenshotAsync(page, "portal-admin-image-upload-refused");
        UploadedFiles(site).ShouldBeEmpty();

        // Over the broker's limit.
        await page.SetInputFilesAsync("#Upload_File", new FilePayload { Name = "big.raw", MimeType = "application/octet-stream", Buffer = new byte[MaxFileBytes + 512] });
        await page.ClickAsync("#image-upload-submit");
        await ErrorsShowAsync(page, $"Image files may be at most {MaxFileBytes} bytes.");
        UploadedFiles(site).ShouldBeEmpty();

        // A raw disk: stored as sent, and the reloaded page lists it.
        await page.SetInputFilesAsync("#Upload_File", new FilePayload { Name = "fedora-42.raw", MimeType = "application/octet-stream", Buffer = disk });
        await page.ClickAsync("#image-upload-submit");
        var row = await page.WaitForSelectorAsync("#images tbody tr");
        var listed = (await row!.TextContentAsync())!;
        listed.ShouldContain("fedora");
        listed.ShouldContain("42");
        listed.ShouldContain("Uploaded");
        await ChromiumBrowser.SaveScreenshotAsync(page, "portal-admin-image-uploaded");
        (await File.ReadAllBytesAsync(UploadedFiles(site).ShouldHaveSingleItem(), cancellationToken)).ShouldBe(disk);
        await using var scope = factory.Services.CreateAsyncScope();
        var stored = (await scope.ServiceProvider.GetRequiredService<IImageImportStore>().ListAsync(cancellationToken)).ShouldHaveSingleItem();
        stored.FileSha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(disk)));
    }

    private static async Task ErrorsShowAsync(IPage page, string text) =>
        _ = await page.WaitForFunctionAsync("text => !document.getElementById('image-upload-errors').hidden && document.getElementById('image-upload-errors').textContent.includes(text)", text);

    private static string[] UploadedFiles(BrokerSite site)
    {
        var directory = Path.Combine(site.DataDirectory, "image-uploads");
        return Directory.Exists(directory) ? Directory.GetFiles(directory) : [];
    }
}
