using System.Net;
using Broker.Persistence;
using Broker.Testing.Databases;

namespace Broker.Server.Tests;

public sealed class ApiAuthorizationTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Endpoints_ForEachCallerAndObject_AnswerTheExpectedStatus()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var world = await ApiWorld.CreateAsync(DatabaseProvider.Sqlite, cluster, cancellationToken);
        await world.CompleteProvisioningAsync(cancellationToken);
        var aliceDesktop = (await world.AliceDesktopAsync(cancellationToken)).Id;
        var callers = new Dictionary<string, HttpClient>
        {
            ["admin"] = world.Admin,
            ["alice"] = world.Alice,
            ["bob"] = world.Bob,
            ["anonymous"] = world.Anonymous,
        };

        // Columns: admin, alice (owner of the desktop), bob (another user), anonymous.
        var matrix = new (string Method, string Path, Func<object?> Body, HttpStatusCode[] Expected)[]
        {
            ("GET", "/api/v1/admin/images", () => null, [HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("GET", "/api/v1/admin/pools", () => null, [HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("GET", "/api/v1/admin/hosts", () => null, [HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("POST", $"/api/v1/admin/hosts/{Guid.NewGuid()}/drain", () => null, [HttpStatusCode.NotFound, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("GET", "/api/v1/admin/audit?action=desktop.", () => null, [HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("GET", "/api/v1/admin/desktops", () => null, [HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("GET", $"/api/v1/admin/desktops/{aliceDesktop}", () => null, [HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("POST", "/api/v1/admin/images", () => new { name = "x" }, [HttpStatusCode.BadRequest, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("GET", $"/api/v1/admin/images/{world.Pool.ImageId}", () => null, [HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            // No host failed the image (it was registered by address): the admin's retry answers it and changes nothing.
            ("POST", $"/api/v1/admin/images/{world.Pool.ImageId}/retry", () => null, [HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("POST", $"/api/v1/admin/images/{Guid.NewGuid()}/retry", () => null, [HttpStatusCode.NotFound, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("POST", $"/api/v1/admin/pools/{world.Pool.Id}/entitlements", () => new { kind = "Group", id = "" }, [HttpStatusCode.BadRequest, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("POST", $"/api/v1/admin/desktops/{aliceDesktop}/revoke", () => null, [HttpStatusCode.Conflict, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("GET", $"/api/v1/admin/desktops/{aliceDesktop}/quarantine", () => null, [HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("POST", $"/api/v1/admin/desktops/{aliceDesktop}/quarantine/{Guid.NewGuid()}/promote", () => null, [HttpStatusCode.NotFound, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            // The desktop's host has reported no transfer address: the admin gets 503, nobody else gets that far.
            ("GET", $"/api/v1/admin/desktops/{aliceDesktop}/snapshots", () => null, [HttpStatusCode.ServiceUnavailable, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("POST", $"/api/v1/admin/desktops/{aliceDesktop}/restore", () => new { snapshot = Guid.NewGuid() }, [HttpStatusCode.ServiceUnavailable, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("GET", "/api/v1/admin/groups", () => null, [HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("PUT", $"/api/v1/admin/users/{world.AliceId}/groups/not%20a%20name", () => null, [HttpStatusCode.BadRequest, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            ("DELETE", $"/api/v1/admin/users/{world.AliceId}/groups/eng", () => null, [HttpStatusCode.NotFound, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized]),
            // Alice's desktop's host has reported no transfer address: 503 for her, 404 for everyone else.
            ("GET", $"/api/v1/me/desktops/{aliceDesktop}/snapshots", () => null, [HttpStatusCode.NotFound, HttpStatusCode.ServiceUnavailable, HttpStatusCode.NotFound, HttpStatusCode.Unauthorized]),
            ("POST", $"/api/v1/me/desktops/{aliceDesktop}/restore", () => new { snapshot = Guid.NewGuid() }, [HttpStatusCode.NotFound, HttpStatusCode.ServiceUnavailable, HttpStatusCode.NotFound, HttpStatusCode.Unauthorized]),
            ("GET", "/api/v1/me/desktops", () => null, [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Unauthorized]),
            ("GET", $"/api/v1/me/desktops/{aliceDesktop}", () => null, [HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.Unauthorized]),
            ("POST", $"/api/v1/me/desktops/{aliceDesktop}/check-in", () => null, [HttpStatusCode.NotFound, HttpStatusCode.Conflict, HttpStatusCode.NotFound, HttpStatusCode.Unauthorized]),
            ("POST", $"/api/v1/me/desktops/{aliceDesktop}/check-out", () => new { deviceId = world.BobDevice.Value }, [HttpStatusCode.NotFound, HttpStatusCode.BadRequest, HttpStatusCode.NotFound, HttpStatusCode.Unauthorized]),
        };

        var mismatches = new List<string>();
        var snapshot = await world.FingerprintAsync(cancellationToken);
        foreach (var (method, path, body, expected) in matrix)
        {
            var index = 0;
            foreach (var (caller, client) in callers)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
                if (body() is { } content)
                {
                    request.Content = ApiWorld.JsonBody(content);
                }

                using var response = await client.SendAsync(request, cancellationToken);
                if (response.StatusCode != expected[index])
                {
                    mismatches.Add($"{caller} {method} {path}: {(int)response.StatusCode}, expected {(int)expected[index]}");
                }
                else if (!response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    mismatches.Add($"{caller} {method} {path}: {(int)response.StatusCode} without ProblemDetails");
                }

                index++;
            }
        }

        mismatches.ShouldBeEmpty();

        // Refused transitions are audited; nothing else changed.
        (await world.FingerprintAsync(cancellationToken)).Split(' ').Where(part => !part.StartsWith("AuditEvents=", StringComparison.Ordinal))
            .ShouldBe(snapshot.Split(' ').Where(part => !part.StartsWith("AuditEvents=", StringComparison.Ordinal)));
    }
}
