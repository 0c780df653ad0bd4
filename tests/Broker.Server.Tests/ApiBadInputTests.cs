using System.Net;
using System.Net.Http.Json;
using System.Text;
using Broker.Persistence;
using Broker.Testing.Databases;
using Microsoft.AspNetCore.Mvc;

namespace Broker.Server.Tests;

public sealed class ApiBadInputTests(PostgresCluster cluster)
{
    private static readonly string HugeJson = "{\"name\":\"" + new string('x', 200_000) + "\"}";

    [Fact]
    public async Task Endpoints_WithBadInput_AnswerProblemDetailsAndChangeNothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        var desktop = (await world.AliceDesktopAsync(cancellationToken)).Id;
        var unknown = Guid.NewGuid();
        var validPool = $"{{\"name\":\"Other\",\"kind\":\"Dedicated\",\"imageId\":\"{world.Pool.ImageId}\",\"desiredSize\":1}}";
        var cases = new (HttpClient Client, string Method, string Path, string? Json, HttpStatusCode Expected, string[] Fields)[]
        {
            (world.Admin, "POST", "/api/v1/admin/images", "{}", HttpStatusCode.BadRequest, ["Name", "Version", "BaseContentAddress", "SizeBytes"]),
            (world.Admin, "POST", "/api/v1/admin/images", "{\"name\":\"a\",\"version\":\"1\",\"baseContentAddress\":\"md5:00\",\"sizeBytes\":-5}", HttpStatusCode.BadRequest, ["BaseContentAddress", "SizeBytes"]),
            (world.Admin, "POST", "/api/v1/admin/images", "{\"sizeBytes\":\"many\"}", HttpStatusCode.BadRequest, []),
            (world.Admin, "POST", "/api/v1/admin/images", "{\"name\":", HttpStatusCode.BadRequest, []),
            (world.Admin, "POST", "/api/v1/admin/images", "", HttpStatusCode.BadRequest, []),
            (world.Admin, "POST", "/api/v1/admin/images", HugeJson, HttpStatusCode.RequestEntityTooLarge, []),
            (world.Admin, "GET", $"/api/v1/admin/images/{unknown}", null, HttpStatusCode.NotFound, []),
            (world.Admin, "POST", "/api/v1/admin/pools", "{}", HttpStatusCode.BadRequest, ["Name", "Kind", "DesiredSize", "Image"]),
            (world.Admin, "POST", "/api/v1/admin/pools", "{\"name\":\"p\",\"kind\":\"Sideways\",\"imageId\":\"x\",\"desiredSize\":1}", HttpStatusCode.BadRequest, []),
            (world.Admin, "POST", "/api/v1/admin/pools", $"{{\"name\":\"p\",\"kind\":\"Floating\",\"imageId\":\"{unknown}\",\"desiredSize\":20000,\"offline\":{{\"allowed\":true,\"leaseDays\":0}}}}", HttpStatusCode.BadRequest, ["Image", "DesiredSize", "Offline.LeaseDays", "Offline.Allowed"]),
            (world.Admin, "POST", "/api/v1/admin/pools", $"{{\"name\":\"p\",\"kind\":\"Dedicated\",\"imageId\":\"{world.Pool.ImageId}\",\"desiredSize\":1,\"offline\":{{\"snapshotIntervalMinutes\":1}}}}", HttpStatusCode.BadRequest, ["Offline.Retention.SnapshotInterval"]),
            (world.Admin, "POST", "/api/v1/admin/pools", HugeJson, HttpStatusCode.RequestEntityTooLarge, []),
            (world.Admin, "PUT", $"/api/v1/admin/pools/{unknown}", validPool, HttpStatusCode.NotFound, []),
            (world.Admin, "PUT", $"/api/v1/admin/pools/{world.Pool.Id}", $"{{\"name\":\"Engineering\",\"kind\":\"Floating\",\"imageId\":\"{world.Pool.ImageId}\",\"desiredSize\":3}}", HttpStatusCode.BadRequest, ["Kind"]),
            (world.Admin, "PUT", $"/api/v1/admin/pools/{world.Pool.Id}", $"{{\"name\":\"Engineering\",\"kind\":\"Dedicated\",\"imageId\":\"{world.Pool.ImageId}\",\"desiredSize\":3,\"version\":99}}", HttpStatusCode.Conflict, []),
            (world.Admin, "GET", $"/api/v1/admin/pools/{unknown}", null, HttpStatusCode.NotFound, []),
            (world.Admin, "POST", $"/api/v1/admin/pools/{unknown}/entitlements", "{\"kind\":\"Group\",\"id\":\"staff\"}", HttpStatusCode.NotFound, []),
            (world.Admin, "POST", $"/api/v1/admin/pools/{world.Pool.Id}/entitlements", "{\"kind\":\"User\",\"id\":\"nobody-by-that-name\"}", HttpStatusCode.BadRequest, ["Id"]),
            (world.Admin, "POST", $"/api/v1/admin/pools/{world.Pool.Id}/entitlements", "{\"kind\":\"User\",\"id\":\"alice\"}", HttpStatusCode.Conflict, []),
            (world.Admin, "DELETE", $"/api/v1/admin/pools/{world.Pool.Id}/entitlements/Group/nobody", null, HttpStatusCode.NotFound, []),
            (world.Admin, "GET", "/api/v1/admin/desktops?take=100000&skip=-1", null, HttpStatusCode.BadRequest, ["take", "skip"]),
            (world.Admin, "GET", "/api/v1/admin/desktops?state=Bogus", null, HttpStatusCode.BadRequest, []),
            (world.Admin, "GET", "/api/v1/admin/desktops?pool=not-a-guid", null, HttpStatusCode.BadRequest, []),
            (world.Admin, "GET", $"/api/v1/admin/desktops/{unknown}", null, HttpStatusCode.NotFound, []),
            (world.Admin, "POST", $"/api/v1/admin/desktops/{unknown}/revoke", null, HttpStatusCode.NotFound, []),
            (world.Admin, "POST", "/api/v1/admin/desktops/not-a-guid/revoke", null, HttpStatusCode.NotFound, []),
            (world.Alice, "POST", $"/api/v1/me/pools/{unknown}/desktop", null, HttpStatusCode.NotFound, []),
            (world.Alice, "POST", $"/api/v1/me/desktops/{unknown}/check-out", $"{{\"deviceId\":\"{world.AliceDevice}\"}}", HttpStatusCode.NotFound, []),
            (world.Alice, "POST", $"/api/v1/me/desktops/{desktop}/check-out", "{}", HttpStatusCode.BadRequest, ["DeviceId"]),
            (world.Alice, "POST", $"/api/v1/me/desktops/{desktop}/check-out", "{\"deviceId\":42}", HttpStatusCode.BadRequest, []),
            (world.Alice, "POST", $"/api/v1/me/desktops/{desktop}/check-out", $"{{\"deviceId\":\"{unknown}\"}}", HttpStatusCode.BadRequest, ["DeviceId"]),
            (world.Alice, "POST", $"/api/v1/me/desktops/{desktop}/check-out", HugeJson, HttpStatusCode.RequestEntityTooLarge, []),
            (world.Alice, "POST", $"/api/v1/me/desktops/{unknown}/check-in", null, HttpStatusCode.NotFound, []),
            (world.Alice, "GET", "/api/v1/no-such-thing", null, HttpStatusCode.NotFound, []),
        };
        var before = await world.FingerprintAsync(cancellationToken);

        var mismatches = new List<string>();
        foreach (var (client, method, path, json, expected, fields) in cases)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request, cancellationToken);
            var label = $"{method} {path[..Math.Min(path.Length, 80)]} {json?[..Math.Min(json.Length, 60)]}";
            if (response.StatusCode != expected)
            {
                mismatches.Add($"{label}: {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                continue;
            }

            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                mismatches.Add($"{label}: no ProblemDetails");
                continue;
            }

            var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(cancellationToken);
            problem!.Status.ShouldBe((int)expected, label);
            var missing = fields.Except(problem.Errors.Keys).ToList();
            if (missing.Count > 0)
            {
                mismatches.Add($"{label}: no error for {string.Join(", ", missing)} (had {string.Join(", ", problem.Errors.Keys)})");
            }
        }

        mismatches.ShouldBeEmpty();
        (await world.FingerprintAsync(cancellationToken)).ShouldBe(before);
    }
}
