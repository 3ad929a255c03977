'use strict';
// Azure Functions (Node.js v4 programming model) adapter for the relay: POST /api/monitor-breach?code=<function key>.
const { app } = require('@azure/functions');
const { handle } = require('../../relay');

app.http('monitor-breach', {
  methods: ['POST'],
  authLevel: 'function',
  handler: async (request, context) => {
    const headers = {};
    for (const [k, v] of request.headers) headers[k.toLowerCase()] = v;
    const answer = await handle({ method: request.method, headers, query: Object.fromEntries(request.query), body: await request.text() }, process.env, fetch, (line) => context.log(line));
    return { status: answer.status, headers: answer.headers, body: answer.body };
  },
});
