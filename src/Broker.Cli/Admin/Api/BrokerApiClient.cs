using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;

namespace Broker.Cli.Admin.Api;

/// <summary>
/// A typed client of the broker's REST API <c>/api/v1</c>. Error answers become
/// <see cref="ApiRefusedException"/> with a one-line message; no answer at all becomes
/// <see cref="BrokerUnreachableException"/>.
/// </summary>
internal sealed class BrokerApiClient : IDisposable
{
    private static readonly ApiJsonContext Json = ApiJsonContext.Default;

    /// <summary>How long a request may take before the broker counts as not answering.</summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(100);

    private readonly HttpClient _http;

    /// <param name="server">The broker's base address (a path is kept: the API is under it).</param>
    /// <param name="handler">The HTTP handler; the client disposes it.</param>
    public BrokerApiClient(Uri server, HttpMessageHandler handler)
    {
        Server = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
        _http = new HttpClient(handler, disposeHandler: true) { BaseAddress = Server, Timeout = Timeout.InfiniteTimeSpan };
    }

    public Uri Server { get; }

    /// <summary>Sends <paramref name="token"/> as <c>Authorization: Bearer</c> on every request.</summary>
    public void UseToken(string token) => _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

    /// <summary>Signs in to the portal with a password; later requests carry the session cookie (used to create a token).</summary>
    public async Task SignInAsync(string user, string password, CancellationToken cancellationToken)
    {
        var cookie = await CallAsync(answer => PortalSignIn.SignInAsync(_http, user, password, answer), AnswerTimeout, cancellationToken).ConfigureAwait(false);
        _http.DefaultRequestHeaders.Add("Cookie", cookie);
    }

    public Task<ApiReply<List<ImageInfo>>> ListImagesAsync(CancellationToken cancellationToken) =>
        GetAsync("api/v1/admin/images", Json.ListImageInfo, cancellationToken);

    public Task<ApiReply<ImageInfo>> GetImageAsync(Guid id, CancellationToken cancellationToken) =>
        GetAsync($"api/v1/admin/images/{id}", Json.ImageInfo, cancellationToken);

    /// <summary><c>POST /api/v1/admin/images/{id}/retry</c>: the hosts that failed the upload are offered it again.</summary>
    public Task<ApiReply<ImageInfo>> RetryImageAsync(Guid id, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"api/v1/admin/images/{id}/retry", null, Json.ImageInfo, cancellationToken);

    public Task<ApiReply<ImageInfo>> AddImageAsync(ImageRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "api/v1/admin/images", JsonContent.Create(request, Json.ImageRequest), Json.ImageInfo, cancellationToken);

    /// <summary>
    /// <c>POST /api/v1/admin/images/import</c>: streams <paramref name="file"/> (<paramref name="length"/>
    /// bytes) as image <paramref name="name"/> <paramref name="version"/>, without the usual answer
    /// timeout (an upload takes as long as its bytes take).
    /// </summary>
    public Task<ApiReply<ImageInfo>> ImportImageAsync(string name, string version, Stream file, long length, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var path = $"api/v1/admin/images/import?name={Uri.EscapeDataString(name)}&version={Uri.EscapeDataString(version)}";
        var content = new UploadContent(file, length, progress);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return SendAsync(HttpMethod.Post, path, content, Json.ImageInfo, cancellationToken, Timeout.InfiniteTimeSpan);
    }

    public Task<ApiReply<List<PoolInfo>>> ListPoolsAsync(CancellationToken cancellationToken) =>
        GetAsync("api/v1/admin/pools", Json.ListPoolInfo, cancellationToken);

    public Task<ApiReply<PoolInfo>> GetPoolAsync(Guid id, CancellationToken cancellationToken) =>
        GetAsync($"api/v1/admin/pools/{id}", Json.PoolInfo, cancellationToken);

    public Task<ApiReply<PoolInfo>> CreatePoolAsync(PoolRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "api/v1/admin/pools", JsonContent.Create(request, Json.PoolRequest), Json.PoolInfo, cancellationToken);

    /// <summary>Replaces the pool's settings; refused with 409 when it changed since <see cref="PoolRequest.Version"/>.</summary>
    public Task<ApiReply<PoolInfo>> UpdatePoolAsync(Guid id, PoolRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, $"api/v1/admin/pools/{id}", JsonContent.Create(request, Json.PoolRequest), Json.PoolInfo, cancellationToken);

    public Task<ApiReply<List<EntitlementInfo>>> ListEntitlementsAsync(Guid pool, CancellationToken cancellationToken) =>
        GetAsync($"api/v1/admin/pools/{pool}/entitlements", Json.ListEntitlementInfo, cancellationToken);

    public Task<ApiReply<EntitlementInfo>> EntitleAsync(Guid pool, EntitlementInfo entitlement, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"api/v1/admin/pools/{pool}/entitlements", JsonContent.Create(entitlement, Json.EntitlementInfo), Json.EntitlementInfo, cancellationToken);

    public Task UnentitleAsync(Guid pool, EntitlementInfo entitlement, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"api/v1/admin/pools/{pool}/entitlements/{entitlement.Kind}/{Uri.EscapeDataString(entitlement.Id)}", null, Json.JsonElement, cancellationToken);

    public Task<ApiReply<List<HostInfo>>> ListHostsAsync(CancellationToken cancellationToken) =>
        GetAsync("api/v1/admin/hosts", Json.ListHostInfo, cancellationToken);

    /// <summary>Registers a new host and returns the one-time token it enrolls with.</summary>
    /// <summary>Drains (<paramref name="draining"/>) or undrains the host: it keeps its desktops and gets no new ones while draining.</summary>
    public Task<ApiReply<HostInfo>> SetDrainingAsync(Guid host, bool draining, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"api/v1/admin/hosts/{host}/{(draining ? "drain" : "undrain")}", null, Json.HostInfo, cancellationToken);

    /// <summary>Audit entries matching <paramref name="filter"/>, newest first.</summary>
    public Task<ApiReply<List<AuditEntryInfo>>> QueryAuditAsync(AuditFilter filter, CancellationToken cancellationToken) =>
        GetAsync($"api/v1/admin/audit?{filter.ToQuery()}", Json.ListAuditEntryInfo, cancellationToken);

    public Task<ApiReply<EnrollmentTokenInfo>> CreateEnrollmentTokenAsync(EnrollmentTokenRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "api/v1/admin/hosts/enrollment-tokens", JsonContent.Create(request, Json.EnrollmentTokenRequest), Json.EnrollmentTokenInfo, cancellationToken);

    public Task<ApiReply<DesktopPage>> ListDesktopsAsync(Guid? pool, string? state, int skip, int take, CancellationToken cancellationToken)
    {
        var query = new List<string> { $"skip={skip}", $"take={take}" };
        if (pool is { } poolId)
        {
            query.Add($"pool={poolId}");
        }

        if (state is not null)
        {
            query.Add($"state={Uri.EscapeDataString(state)}");
        }

        return GetAsync($"api/v1/admin/desktops?{string.Join('&', query)}", Json.DesktopPage, cancellationToken);
    }

    public Task<ApiReply<DesktopInfo>> GetDesktopAsync(Guid id, CancellationToken cancellationToken) =>
        GetAsync($"api/v1/admin/desktops/{id}", Json.DesktopInfo, cancellationToken);

    /// <summary>Revokes a desktop's check-out; with <paramref name="epoch"/>, refused when the desktop moved on since.</summary>
    public Task<ApiReply<DesktopInfo>> RevokeDesktopAsync(Guid id, long? epoch, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"api/v1/admin/desktops/{id}/revoke{(epoch is { } value ? $"?epoch={value}" : string.Empty)}", null, Json.DesktopInfo, cancellationToken);

    public Task<ApiReply<List<QuarantinedLayerInfo>>> ListQuarantineAsync(Guid desktop, CancellationToken cancellationToken) =>
        GetAsync($"api/v1/admin/desktops/{desktop}/quarantine", Json.ListQuarantinedLayerInfo, cancellationToken);

    public Task<ApiReply<QuarantinedLayerInfo>> PromoteAsync(Guid desktop, Guid layer, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"api/v1/admin/desktops/{desktop}/quarantine/{layer}/promote", null, Json.QuarantinedLayerInfo, cancellationToken);

    /// <summary>The desktop's console log from <paramref name="offset"/>, or else its last <paramref name="tail"/> bytes, as its host has it.</summary>
    public Task<ApiReply<ConsoleInfo>> ReadConsoleAsync(Guid desktop, long? offset, long? tail, CancellationToken cancellationToken) =>
        GetAsync($"api/v1/admin/desktops/{desktop}/console?{(offset is { } start ? $"offset={start}" : $"tail={tail}")}", Json.ConsoleInfo, cancellationToken);

    /// <summary>The desktop's snapshots as its host lists them, oldest first.</summary>
    public Task<ApiReply<List<SnapshotInfo>>> ListSnapshotsAsync(Guid desktop, CancellationToken cancellationToken) =>
        GetAsync($"api/v1/admin/desktops/{desktop}/snapshots", Json.ListSnapshotInfo, cancellationToken);

    /// <summary>Asks for the desktop to be restored to <paramref name="snapshot"/>; answers the desktop (rolling back).</summary>
    public Task<ApiReply<DesktopInfo>> RestoreAsync(Guid desktop, Guid snapshot, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"api/v1/admin/desktops/{desktop}/restore", JsonContent.Create(new RestoreRequest(snapshot), Json.RestoreRequest), Json.DesktopInfo, cancellationToken);

    /// <summary>One page of groups by name, with their members.</summary>
    public Task<ApiReply<GroupPage>> ListGroupsAsync(int skip, int take, CancellationToken cancellationToken) =>
        GetAsync($"api/v1/admin/groups?skip={skip}&take={take}", Json.GroupPage, cancellationToken);

    /// <summary>Puts user <paramref name="userId"/> in <paramref name="group"/> (or takes them out); answers their groups after.</summary>
    public Task<ApiReply<UserGroupsInfo>> SetGroupMembershipAsync(string userId, string group, bool member, CancellationToken cancellationToken) =>
        SendAsync(member ? HttpMethod.Put : HttpMethod.Delete, $"api/v1/admin/users/{Uri.EscapeDataString(userId)}/groups/{Uri.EscapeDataString(group)}", null, Json.UserGroupsInfo, cancellationToken);

    public Task<ApiReply<List<TokenInfo>>> ListTokensAsync(CancellationToken cancellationToken) =>
        GetAsync("api/v1/me/tokens", Json.ListTokenInfo, cancellationToken);

    /// <summary>A new personal access token of the signed-in user; the secret is in the answer only.</summary>
    public Task<ApiReply<TokenInfo>> CreateTokenAsync(TokenRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "api/v1/me/tokens", JsonContent.Create(request, Json.TokenRequest), Json.TokenInfo, cancellationToken);

    public Task RevokeTokenAsync(string id, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"api/v1/me/tokens/{Uri.EscapeDataString(id)}", null, Json.JsonElement, cancellationToken);

    public Task<ApiReply<List<UserInfo>>> ListUsersAsync(CancellationToken cancellationToken) =>
        GetAsync("api/v1/admin/users", Json.ListUserInfo, cancellationToken);

    /// <summary>A new account with one role; a taken name is refused with 409.</summary>
    public Task<ApiReply<UserInfo>> CreateUserAsync(UserRequest request, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "api/v1/admin/users", JsonContent.Create(request, Json.UserRequest), Json.UserInfo, cancellationToken);

    public void Dispose() => _http.Dispose();

    private Task<ApiReply<T>> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, type, cancellationToken);

    private async Task<ApiReply<T>> SendAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> type, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await CallAsync(async answer =>
        {
            using var response = await _http.SendAsync(request, answer).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(answer).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new ApiRefusedException(response.StatusCode, ProblemText.Describe(response.StatusCode, body));
            }

            if (string.IsNullOrWhiteSpace(body))
            {
                return new ApiReply<T>(default!, string.Empty);
            }

            try
            {
                return new ApiReply<T>(System.Text.Json.JsonSerializer.Deserialize(body, type)!, body);
            }
            catch (System.Text.Json.JsonException exception)
            {
                throw new BrokerUnreachableException($"{Server} answered {path} with something other than the broker's JSON ({exception.Message}).", exception);
            }
        }, timeout ?? AnswerTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one exchange, given <paramref name="timeout"/> to answer; a transport failure or no answer in time becomes one line naming the server.</summary>
    private async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> exchange, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var answer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        answer.CancelAfter(timeout);
        try
        {
            return await exchange(answer.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new BrokerUnreachableException($"cannot reach the broker at {Server}: {exception.Message}", exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BrokerUnreachableException($"the broker at {Server} did not answer in time.", exception);
        }
    }
}
