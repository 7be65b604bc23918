import Foundation
import Hummingbird

/// Answers an address outside the API that no page matches with a "not found" page in the
/// site's layout (with the visitor's menu), as a browser expects; under `/api` the API's own
/// answers (problem JSON, 405 with `Allow`) go through untouched.
///
/// Added to the router after every page and before the API's middlewares, so it wraps only the
/// API's routes and the router's "not found" responder: a request outside `/api` reaches it only
/// when no page matched its path and method.
struct WebNotFoundMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let pages: WebPages

    static func isAPI(_ path: String) -> Bool { path == "/api" || path.hasPrefix("/api/") }

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard !Self.isAPI(request.uri.path) else { return try await next(request, context) }
        var visit = pages.newVisit(request)
        // The menu of whoever is signed in; an unreadable session shows the page signed out.
        visit.account = try? await pages.signedInAccount(request)
        var response = pages.errorPage(WebError.notFound("There is no page at \(request.uri.path). It may have moved, or the address may be mistyped."),
                                       visit: visit, logger: context.logger)
        if visit.newCSRF { WebPages.setCSRF(visit.csrf, on: &response) }
        return response
    }
}
