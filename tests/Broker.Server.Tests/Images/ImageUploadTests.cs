using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Broker.Core.Images;
using Broker.Persistence;
using Broker.Server.Api.Images;
using Broker.Testing.Databases;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Server.Tests.Images;

/// <summary>
/// <c>POST /api/v1/admin/images/import</c> on a real broker and SQLite: a disk image is streamed to
/// the data directory and listed as Uploaded; a file that is no disk image, one over the limit and
/// a bad name are refused with ProblemDetails and leave nothing behind.
/// </summary>
public sealed class ImageUploadTests(PostgresCluster cluster)
{
    private const long MaxFileBytes = 64 * 1024;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upload_RawDisk_IsStoredAsSentAndListedAsUploaded()
    {
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, Token);
        await using var factory = Factory(site);
        using var admin = await AdminAsync(factory, site);
        var disk = RandomNumberGenerator.GetBytes(16 * 512);

        using var response = await UploadAsync(admin, "fedora", "42", new ByteArrayContent(disk));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Token));
        var uploaded = await ApiWorld.ReadAsync<ImageResponse>(response, Token);
        response.Headers.Location!.OriginalString.ShouldBe($"/api/v1/admin/images/{uploaded.Id}");
        (uploaded.Name, uploaded.Version, uploaded.Status, uploaded.BaseContentAddress).ShouldBe(("fedora", "42", "Uploaded", string.Empty));
        (await File.ReadAllBytesAsync(UploadedFiles(site).ShouldHaveSingleItem(), Token)).ShouldBe(disk);
        (uploaded.HostsImported, uploaded.HostsTotal).ShouldBe((0, 0));
        uploaded.Hosts.ShouldNotBeNull().ShouldBeEmpty();
        (await admin.GetFromJsonAsync<List<ImageResponse>>("/api/v1/admin/images", ApiWorld.Json, Token)).ShouldHaveSingleItem().ShouldBe(uploaded with { Hosts = null });
        var found = (await admin.GetFromJsonAsync<ImageResponse>($"/api/v1/admin/images/{uploaded.Id}", ApiWorld.Json, Token)).ShouldNotBeNull();
        found.Hosts.ShouldNotBeNull().ShouldBeEmpty();
        (found with { Hosts = null }).ShouldBe(uploaded with { Hosts = null });
        await using var scope = factory.Services.CreateAsyncScope();
        var stored = (await scope.ServiceProvider.GetRequiredService<IImageImportStore>().FindAsync(new ImageId(uploaded.Id), Token)).ShouldNotBeNull();
        stored.FileSha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(disk)));
        stored.FileSizeBytes.ShouldBe(disk.Length);

        using var again = await UploadAsync(admin, "fedora", "42", new ByteArrayContent(disk));
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        UploadedFiles(site).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Upload_NoDiskImage_TooLargeOrBadName_IsRefusedAndNothingIsStored()
    {
        using var site = await BrokerSite.CreateAsync(DatabaseProvider.Sqlite, cluster, Token);
        await using var factory = Factory(site);
        using var admin = await AdminAsync(factory, site);
        var tooLarge = new byte[MaxFileBytes + 512];

        var text = await ProblemAsync(await UploadAsync(admin, "notes", "1", new StringContent("these are no sectors\n")), HttpStatusCode.BadRequest);
        var declaredTooLarge = await ProblemAsync(await UploadAsync(admin, "big", "1", new ByteArrayContent(tooLarge)), HttpStatusCode.RequestEntityTooLarge);
        var streamedTooLarge = await ProblemAsync(await UploadAsync(admin, "big", "1", new StreamContent(new UnknownLengthStream(tooLarge))), HttpStatusCode.RequestEntityTooLarge);
        var noName = await ProblemAsync(await UploadAsync(admin, " ", "1", new ByteArrayContent(new byte[512])), HttpStatusCode.BadRequest);

        text.Title.ShouldBe("Not a disk image");
        text.Detail.ShouldNotBeNull().ShouldContain("no VHDX or qcow2 signature");
        declaredTooLarge.Detail.ShouldBe($"Image files may be at most {MaxFileBytes} bytes.");
        streamedTooLarge.Detail.ShouldBe(declaredTooLarge.Detail);
        noName.ShouldBeOfType<HttpValidationProblemDetails>().Errors.Keys.ShouldBe(["Name"]);
        UploadedFiles(site).ShouldBeEmpty();
        (await admin.GetFromJsonAsync<List<ImageResponse>>("/api/v1/admin/images", ApiWorld.Json, Token)).ShouldBeEmpty();
    }

    private static BrokerAppFactory Factory(BrokerSite site) =>
        new(site, new Dictionary<string, string?> { ["ImageUploads:MaxFileBytes"] = MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    private static async Task<HttpClient> AdminAsync(BrokerAppFactory factory, BrokerSite site)
    {
        factory.CreateClient().Dispose(); // starts the server, which writes the admin password
        return await ApiWorld.LoginAsync(factory, "admin", site.AdminPassword(), Token);
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient admin, string name, string version, HttpContent body)
    {
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return admin.PostAsync(new Uri($"/api/v1/admin/images/import?name={Uri.EscapeDataString(name)}&version={version}", UriKind.Relative), body, Token);
    }

    private static async Task<ProblemDetails> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(Token);
            response.StatusCode.ShouldBe(expected, body);
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
            return body.Contains("\"errors\"", StringComparison.Ordinal)
                ? System.Text.Json.JsonSerializer.Deserialize<HttpValidationProblemDetails>(body, ApiWorld.Json)!
                : System.Text.Json.JsonSerializer.Deserialize<ProblemDetails>(body, ApiWorld.Json)!;
        }
    }

    private static string[] UploadedFiles(BrokerSite site)
    {
        var directory = Path.Combine(site.DataDirectory, "image-uploads");
        return Directory.Exists(directory) ? Directory.GetFiles(directory) : [];
    }

    /// <summary>A body sent without Content-Length, so only the server's count of what it read can stop it.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
