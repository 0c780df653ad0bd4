extern alias server;

using System.Net.Http.Headers;
using System.Net.Http.Json;
using Broker.Core;
using Broker.Core.Access;
using Broker.Core.Desktops;
using Broker.Core.Entitlements;
using Broker.Persistence.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using server::Broker.Server.Api.Desktops;
using server::Broker.Server.Api.Images;
using server::Broker.Server.Identity;
using server::Broker.Server.Security;

namespace Broker.HostAgent.Tests.Integration;

/// <summary>The broker's REST API as <c>brokerctl admin</c> uses it: the first administrator's personal access token (read, write, admin).</summary>
internal sealed class AdminApi : IDisposable
{
    private readonly HttpClient _client;

    private AdminApi(HttpClient client) => _client = client;

    public static async Task<AdminApi> CreateAsync(BrokerServerFactory broker, CancellationToken cancellationToken)
    {
        await using var scope = broker.Services.CreateAsyncScope();
        var admin = (await scope.ServiceProvider.GetRequiredService<UserManager<BrokerUser>>().FindByNameAsync(FirstAdministratorService.UserName)).ShouldNotBeNull();
        var secret = BearerSecret.New(BearerSecret.AccessTokenPrefix);
        var now = TimeProvider.System.GetUtcNow();
        var token = new PersonalAccessToken(secret.Id, new UserId(admin.Id), "console test", TokenScopes.Read | TokenScopes.Write | TokenScopes.Admin, secret.Hash, now, now.AddDays(1));
        (await scope.ServiceProvider.GetRequiredService<IAccessTokenStore>().AddAsync(token, cancellationToken)).Outcome.ShouldBe(WriteOutcome.Saved);
        var client = broker.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret.Token);
        return new AdminApi(client);
    }

    /// <summary><c>GET /api/v1/admin/desktops/{id}/console?tail=BYTES</c>, which the broker answers by asking the desktop's host.</summary>
    public async Task<DesktopConsoleResponse> ConsoleAsync(DesktopId id, int tail, CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync(new Uri($"/api/v1/admin/desktops/{id}/console?tail={tail}", UriKind.Relative), cancellationToken);
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync(cancellationToken));
        return (await response.Content.ReadFromJsonAsync<DesktopConsoleResponse>(cancellationToken)).ShouldNotBeNull();
    }

    /// <summary><c>POST /api/v1/admin/images/import</c> of <paramref name="file"/>: the image as the broker answers (202).</summary>
    public async Task<ImageResponse> ImportImageAsync(string file, string name, CancellationToken cancellationToken)
    {
        await using var source = File.OpenRead(file);
        using var body = new StreamContent(source);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await _client.PostAsync(new Uri($"/api/v1/admin/images/import?name={name}&version=1", UriKind.Relative), body, cancellationToken);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(cancellationToken));
        return (await response.Content.ReadFromJsonAsync<ImageResponse>(cancellationToken)).ShouldNotBeNull();
    }

    /// <summary><c>GET /api/v1/admin/images/{id}</c>.</summary>
    public async Task<ImageResponse> ImageAsync(Guid id, CancellationToken cancellationToken) =>
        (await _client.GetFromJsonAsync<ImageResponse>(new Uri($"/api/v1/admin/images/{id}", UriKind.Relative), cancellationToken)).ShouldNotBeNull();

    public void Dispose() => _client.Dispose();
}
