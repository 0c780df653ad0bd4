using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Broker.EndToEnd.Tests.Harness;

/// <summary>
/// The REST API <c>/api/v1/me</c> as one user, with a personal access token (read, write) made by
/// <c>brokerctl admin login</c> and <c>brokerctl admin tokens create</c>.
/// </summary>
internal sealed class UserApi : IDisposable
{
    private readonly HttpClient _http;

    private UserApi(HttpClient http) => _http = http;

    public static async Task<UserApi> SignInAsync(DemoWorld world, string user, string password, string configHome, CancellationToken cancellationToken)
    {
        var brokerctl = new Brokerctl(configHome);
        await brokerctl.RunAsync(["admin", "login", "--server", world.Portal.AbsoluteUri, "--user", user, "--password-stdin", "--scope", "read", "--scope", "write"], cancellationToken, password + "\n");
        var token = await brokerctl.AdminJsonAsync(cancellationToken, "tokens", "create", "--name", "end-to-end", "--scope", "read", "--scope", "write");
        var http = new HttpClient { BaseAddress = new Uri(world.Portal, "api/v1/me/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());
        return new UserApi(http);
    }

    /// <summary>The user's desktop in pool <paramref name="poolName"/>, assigned now if need be (<c>POST pools/{id}/desktop</c>).</summary>
    public async Task<Guid> DesktopInPoolAsync(string poolName, CancellationToken cancellationToken)
    {
        var pools = await GetAsync("pools", cancellationToken);
        var pool = pools.EnumerateArray().Single(candidate => candidate.GetProperty("name").GetString() == poolName).GetProperty("id").GetGuid();
        using var assigned = await _http.PostAsync(new Uri($"pools/{pool}/desktop", UriKind.Relative), null, cancellationToken);
        return (await ReadAsync(assigned, cancellationToken)).GetProperty("id").GetGuid();
    }

    /// <summary>The user's enrolled devices' ids.</summary>
    public async Task<IReadOnlyList<Guid>> DevicesAsync(CancellationToken cancellationToken) =>
        [.. (await GetAsync("devices", cancellationToken)).EnumerateArray().Select(device => device.GetProperty("id").GetGuid())];

    public async Task<JsonElement> DesktopAsync(Guid desktop, CancellationToken cancellationToken) =>
        await GetAsync($"desktops/{desktop}", cancellationToken);

    /// <summary><c>POST desktops/{id}/start</c>: the VM runs on the host.</summary>
    public Task StartAsync(Guid desktop, CancellationToken cancellationToken) => PostAsync($"desktops/{desktop}/start", cancellationToken);

    /// <summary><c>POST desktops/{id}/stop</c>: the host stops the VM.</summary>
    public Task StopAsync(Guid desktop, CancellationToken cancellationToken) => PostAsync($"desktops/{desktop}/stop", cancellationToken);

    /// <summary><c>POST desktops/{id}/check-out</c> to <paramref name="device"/>; the answer as it came, success or not.</summary>
    public Task<HttpResponseMessage> CheckOutAsync(Guid desktop, Guid device, CancellationToken cancellationToken) =>
        _http.PostAsJsonAsync(new Uri($"desktops/{desktop}/check-out", UriKind.Relative), new { deviceId = device }, cancellationToken);

    /// <summary>A desktop's <c>lastSyncAt</c> as <see cref="DesktopAsync"/> shows it: when the host last reported a layer committed; null before the first.</summary>
    public static DateTimeOffset? LastSyncAt(JsonElement desktop) =>
        desktop.GetProperty("lastSyncAt") is { ValueKind: JsonValueKind.String } at ? at.GetDateTimeOffset() : null;

    public void Dispose() => _http.Dispose();

    private async Task PostAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), null, cancellationToken);
        await ReadAsync(response, cancellationToken);
    }

    private async Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        response.IsSuccessStatusCode.ShouldBeTrue($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }
}
