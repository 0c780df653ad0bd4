using System.Text.Json;
using System.Text.Json.Serialization;

namespace Broker.Cli.Admin.Api;

/// <summary>Source-generated JSON of the REST API (web defaults: camelCase, case-insensitive reads); nulls are left out of requests.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImageInfo))]
[JsonSerializable(typeof(List<ImageInfo>))]
[JsonSerializable(typeof(ImageRequest))]
[JsonSerializable(typeof(PoolInfo))]
[JsonSerializable(typeof(List<PoolInfo>))]
[JsonSerializable(typeof(PoolRequest))]
[JsonSerializable(typeof(EntitlementInfo))]
[JsonSerializable(typeof(List<EntitlementInfo>))]
[JsonSerializable(typeof(HostInfo))]
[JsonSerializable(typeof(List<HostInfo>))]
[JsonSerializable(typeof(List<AuditEntryInfo>))]
[JsonSerializable(typeof(EnrollmentTokenRequest))]
[JsonSerializable(typeof(EnrollmentTokenInfo))]
[JsonSerializable(typeof(DesktopInfo))]
[JsonSerializable(typeof(DesktopPage))]
[JsonSerializable(typeof(QuarantinedLayerInfo))]
[JsonSerializable(typeof(ConsoleInfo))]
[JsonSerializable(typeof(List<SnapshotInfo>))]
[JsonSerializable(typeof(RestoreRequest))]
[JsonSerializable(typeof(List<QuarantinedLayerInfo>))]
[JsonSerializable(typeof(TokenInfo))]
[JsonSerializable(typeof(List<TokenInfo>))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(List<UserInfo>))]
[JsonSerializable(typeof(UserInfo))]
[JsonSerializable(typeof(UserRequest))]
[JsonSerializable(typeof(GroupPage))]
[JsonSerializable(typeof(UserGroupsInfo))]
[JsonSerializable(typeof(ProblemInfo))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
