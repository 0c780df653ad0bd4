using System.Globalization;
using Broker.Core.Audit;
using Broker.Persistence.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Broker.Server.Portal.Admin;

/// <summary>The audit log, newest first, filtered by actor, target, action and time range (UTC), a page at a time.</summary>
internal sealed class AuditModel(IAuditLog audit, UserManager<BrokerUser> users) : PageModel
{
    public const int PageSize = 50;

    /// <summary>A user name, a user id, or an agent/system actor as written in the log.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    /// <summary>The object, as <c>kind:id</c> (e.g. <c>pool:…</c>).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Target { get; set; }

    /// <summary>An action (<c>host.drained</c>) or a family of them ending with a dot (<c>host.</c>).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    /// <summary>Entries at or after this UTC time.</summary>
    [BindProperty(SupportsGet = true)]
    public DateTime? From { get; set; }

    /// <summary>Entries before this UTC time.</summary>
    [BindProperty(SupportsGet = true)]
    public DateTime? To { get; set; }

    /// <summary>The page number, from 1.</summary>
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<AuditEvent> Entries { get; private set; } = [];

    public bool HasNext { get; private set; }

    /// <summary>User names by user id, to show actors as people.</summary>
    public IReadOnlyDictionary<string, string> UserNames { get; private set; } = new Dictionary<string, string>();

    /// <summary>A time as the filter inputs show it.</summary>
    public static string? Input(DateTime? at) => at?.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, PageNumber);
        UserNames = await users.Users.Where(user => user.UserName != null)
            .ToDictionaryAsync(user => user.Id, user => user.UserName!, StringComparer.Ordinal, cancellationToken);
        var actor = string.IsNullOrWhiteSpace(Actor) ? null : Actor.Trim();
        if (actor is not null && await users.FindByNameAsync(actor) is { } named)
        {
            actor = named.Id;
        }

        // One entry more than a page tells whether a next page exists.
        var found = await audit.QueryAsync(
            new AuditQuery(Utc(From), Utc(To), actor, Trimmed(Target), Trimmed(Action), (PageNumber - 1) * PageSize, PageSize + 1),
            cancellationToken);
        HasNext = found.Count > PageSize;
        Entries = [.. found.Take(PageSize)];
    }

    /// <summary>The link to page <paramref name="number"/> under the same filters.</summary>
    /// <remarks>Built by hand: <c>action</c> is a routing key, so a tag helper's <c>asp-route-action</c> would name an MVC action.</remarks>
    public string PageLink(int number)
    {
        var query = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["actor"] = Actor,
            ["target"] = Target,
            ["action"] = Action,
            ["from"] = Input(From),
            ["to"] = Input(To),
            ["p"] = number.ToString(CultureInfo.InvariantCulture),
        };
        return QueryHelpers.AddQueryString(Request.Path, query.Where(pair => !string.IsNullOrEmpty(pair.Value)));
    }

    /// <summary>The actor as people know it: a user's name, else as logged.</summary>
    public string ActorName(string actor) => UserNames.GetValueOrDefault(actor, actor);

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static DateTimeOffset? Utc(DateTime? at) => at is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)) : null;
}
