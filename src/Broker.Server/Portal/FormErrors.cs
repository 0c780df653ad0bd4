using Broker.Core;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Broker.Server.Portal;

/// <summary>Puts the domain's validation errors next to the form fields they are about.</summary>
internal static class FormErrors
{
    /// <summary>
    /// Adds each error under <c>{prefix}.{field}</c>: the portal's form models name their fields as
    /// the domain does (<c>Offline.LeaseDays</c>), so the message lands beside its input.
    /// </summary>
    public static void AddErrors(this ModelStateDictionary modelState, string prefix, IEnumerable<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(modelState);
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var error in errors)
        {
            // The domain words its messages to follow the field's name ("is required."); others are whole sentences.
            var message = error.Message.Length > 0 && char.IsLower(error.Message[0]) ? $"{Words(error.Field)} {error.Message}" : error.Message;
            modelState.AddModelError($"{prefix}.{error.Field}", message);
        }
    }

    /// <summary>A field path as words for the message: <c>Offline.LeaseDays</c> becomes "Lease days".</summary>
    private static string Words(string field)
    {
        var last = field[(field.LastIndexOf('.') + 1)..];
        var words = string.Concat(last.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));
        return words.Length == 0 ? "This field" : words;
    }
}
