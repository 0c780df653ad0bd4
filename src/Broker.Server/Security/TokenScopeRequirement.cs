using Microsoft.AspNetCore.Authorization;

namespace Broker.Server.Security;

/// <summary>
/// Limits requests signed in by a personal access token to the token's scopes: <c>read</c> for
/// GET and HEAD, <c>write</c> for everything else, and <c>admin</c> as well where
/// <see cref="Admin"/> is set. Cookie sign-ins are not limited by it.
/// </summary>
/// <param name="Admin">True on the admin endpoints.</param>
internal sealed record TokenScopeRequirement(bool Admin) : IAuthorizationRequirement;
