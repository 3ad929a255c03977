// @actions/* 3.x (and the @octokit packages behind @actions/github) publish only an "import" export
// condition. Resolve those through it; Jest's transform then compiles them to CommonJS.
const esmOnly = /^(@actions\/|@octokit\/|universal-user-agent|before-after-hook|universal-github-app-jwt)/;
module.exports = (request, options) => {
  if (esmOnly.test(request)) {
    return options.defaultResolver(request, { ...options, conditions: ['import', 'node', 'default'] });
  }
  return options.defaultResolver(request, options);
};
